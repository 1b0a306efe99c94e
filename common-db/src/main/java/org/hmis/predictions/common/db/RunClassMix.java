package org.hmis.predictions.common.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.lambda.trigger.TriggerJson;

/**
 * A complete run's class mix: how many current guests' latest prediction is each class, whether this run made it or
 * carried it over from an earlier one, and the same of the run that completed before it (empty for the first). Recorded in the run's own row ({@code details.classMix}) when the
 * run completes ({@link RunLedger#partApplied}), since the next run overwrites the guests' rows it is counted from.
 *
 * @param classes every class label, with its count (0 when no guest was predicted it)
 * @param previousRun the previous complete run's {@code classes}, empty when there is none
 */
public record RunClassMix(Map<String, Long> classes, Map<String, Long> previousRun) {
    private static final TypeReference<Map<String, Long>> COUNTS = new TypeReference<>() {};
    private static final String RUN_ROW = " WHERE run_id = ? AND step = '" + RunLedger.RUN_STEP + "' AND part = ''";

    /**
     * The largest change, over the classes, of a class's share of the run's predictions from the previous complete
     * run's (0 to 1); empty when there is no previous run or either has no predictions.
     */
    public OptionalDouble maxDrift() {
        long total = total(classes);
        long previousTotal = total(previousRun);
        if (total == 0 || previousTotal == 0) {
            return OptionalDouble.empty();
        }
        double max = 0;
        for (String label : ExitDestinationClasses.LABELS) {
            double share = (double) classes.getOrDefault(label, 0L) / total;
            double previousShare = (double) previousRun.getOrDefault(label, 0L) / previousTotal;
            max = Math.max(max, Math.abs(share - previousShare));
        }
        return OptionalDouble.of(max);
    }

    /**
     * In the completing transaction: counts the current guests (no exit date) with a row of {@code guestPredictions},
     * by class, records that in the run's row, and reads the mix of the run that started before it and completed.
     */
    static RunClassMix recordOnCompletion(
            Connection c, SqlIdentifier guestsTable, SqlIdentifier guestPredictions, RunId runId) throws SQLException {
        Map<String, Long> classes = new LinkedHashMap<>();
        ExitDestinationClasses.LABELS.forEach(label -> classes.put(label, 0L));
        GuestKeyColumns keys = GuestKeyColumns.read(c, guestsTable);
        try (PreparedStatement ps = c.prepareStatement("WITH mix AS (SELECT h.predicted_exit_destination AS cls,"
                + " count(*) AS n FROM " + guestPredictions.quoted() + " h WHERE EXISTS (SELECT 1 FROM "
                + guestsTable.quoted() + " g WHERE " + keys.keyMatch("g", "h") + " AND g.exit_date IS NULL)"
                + " GROUP BY 1)"
                + " UPDATE " + RunLedger.TABLE + " SET details = coalesce(details, '{}'::jsonb)"
                + " || jsonb_build_object('classMix', coalesce((SELECT jsonb_object_agg(cls, n) FROM mix),"
                + " '{}'::jsonb))" + RUN_ROW + " RETURNING details->>'classMix'")) {
            ps.setString(1, runId.value());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                classes.putAll(counts(rs.getString(1)));
            }
        }
        Map<String, Long> previous = Map.of();
        try (PreparedStatement ps = c.prepareStatement("SELECT p.details->>'classMix' FROM " + RunLedger.TABLE
                + " p, (SELECT started_at FROM " + RunLedger.TABLE + RUN_ROW + ") r"
                + " WHERE p.step = '" + RunLedger.RUN_STEP + "' AND p.part = '' AND p.status = '"
                + RunLedger.COMPLETE + "' AND p.run_id <> ? AND p.details->'classMix' IS NOT NULL"
                + " AND p.started_at < r.started_at ORDER BY p.started_at DESC, p.run_id DESC LIMIT 1")) {
            ps.setString(1, runId.value());
            ps.setString(2, runId.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    previous = counts(rs.getString(1));
                }
            }
        }
        return new RunClassMix(Collections.unmodifiableMap(classes), previous);
    }

    private static Map<String, Long> counts(String json) {
        try {
            return TriggerJson.MAPPER.readValue(json, COUNTS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a run's classMix is not a JSON object of counts: " + json, e);
        }
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
