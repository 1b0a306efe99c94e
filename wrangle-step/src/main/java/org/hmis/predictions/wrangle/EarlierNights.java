package org.hmis.predictions.wrangle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.hmis.predictions.common.drift.DriftSample;
import org.hmis.predictions.common.run.RunId;

/**
 * The drift samples earlier runs recorded against the same baseline, for a run that pools nights
 * ({@link org.hmis.predictions.common.config.PipelineConfig#driftNights}): the latest run of each day before this
 * run's, so a second refresh on one day does not count that day twice.
 */
final class EarlierNights {
    /** Under {@code details.drift}: the baseline a sample was measured against. */
    static final String FINGERPRINT = "baselineFingerprint";
    /** Under {@code details.drift}: the night's own sample. */
    static final String SAMPLE = "sample";

    private static final ObjectMapper JSON = new ObjectMapper();

    private EarlierNights() {}

    /** At most {@code nights} earlier nights' samples, latest first; none when {@code nights} is 0. */
    static List<DriftSample> read(Connection connection, RunId runId, String fingerprint, int nights)
            throws SQLException {
        List<DriftSample> samples = new ArrayList<>();
        if (nights == 0) {
            return samples;
        }
        String sql = "SELECT sample FROM (SELECT DISTINCT ON (started_at::date) started_at,"
                + " details->'drift'->'" + SAMPLE + "' AS sample FROM prediction_runs"
                + " WHERE step = ? AND part = '' AND details->'drift'->>'" + FINGERPRINT + "' = ?"
                + " AND details->'drift'->'" + SAMPLE + "' IS NOT NULL"
                + " AND started_at::date < (SELECT started_at::date FROM prediction_runs"
                + " WHERE run_id = ? AND step = ? AND part = '')"
                + " ORDER BY started_at::date DESC, started_at DESC) nights ORDER BY started_at DESC LIMIT ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, WrangleStep.STEP);
            ps.setString(2, fingerprint);
            ps.setString(3, runId.value());
            ps.setString(4, WrangleStep.STEP);
            ps.setInt(5, nights);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    samples.add(JSON.readValue(rs.getString(1), DriftSample.class));
                }
            }
        } catch (JsonProcessingException e) {
            throw new SQLException(
                    "prediction_runs.details.drift." + SAMPLE + " is not a drift sample: " + e.getMessage(), e);
        }
        return samples;
    }
}
