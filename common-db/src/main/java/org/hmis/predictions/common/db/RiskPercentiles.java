package org.hmis.predictions.common.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.run.RunId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ranks the current households by risk when a run completes: each current guest (no exit date) with a row in the
 * guest predictions table, written by this run or carried over from an earlier one (a run re-scores only the guests
 * whose prediction would change), gets the {@code risk_percentile} of their household ({@link Households}) among the
 * households of those guests, exactly as if the run had re-scored everyone: {@code 100 * cume_dist()} over households by the household's risk, so 100 is the most
 * at risk, equal risks share a percentile, and every member of a household carries the same one. The household's risk
 * is its head's row's: a household model gives every member the same risk; under a guest model (v1, v2) the head's
 * stands for the household, as in the view of the current households. Runs in the transaction that marks the run
 * complete (update's last part, or wrangle's manifest when every part was applied before it), so a complete run is
 * always ranked. Only rows whose percentile changes are written: a run that changes nothing rewrites nothing.
 */
final class RiskPercentiles {
    private static final Logger LOG = LoggerFactory.getLogger(RiskPercentiles.class);

    private final SqlIdentifier guestsTable;
    private final SqlIdentifier guestPredictionsTable;

    RiskPercentiles(SqlIdentifier guestsTable, SqlIdentifier guestPredictionsTable) {
        this.guestsTable = guestsTable;
        this.guestPredictionsTable = guestPredictionsTable;
    }

    void rank(Connection connection, RunId runId) throws SQLException {
        long started = System.nanoTime();
        GuestKeyColumns keys = GuestKeyColumns.read(connection, guestsTable);
        String own = guestPredictionsTable.quoted();
        // A key the guests table holds twice (two enrolments on one day) is one guest.
        try (PreparedStatement ps = connection.prepareStatement("WITH present AS (SELECT DISTINCT ON"
                + " (h.personal_id, h.enroll_date) h.personal_id, h.enroll_date, h.risk, g.case_id,"
                + " g.relationship_to_hoh FROM " + own + " h JOIN " + guestsTable.quoted() + " g ON "
                + keys.keyMatch("g", "h") + " AND g.exit_date IS NULL"
                + " ORDER BY h.personal_id, h.enroll_date, g.case_id),"
                + " members AS (SELECT c.personal_id, c.enroll_date, row_number() OVER head_first = 1 AS head,"
                + " first_value(c.risk) OVER head_first AS household_risk FROM present c"
                + " WINDOW household AS (" + Households.partition("c") + "),"
                + " head_first AS (household " + Households.headFirst("c", "c") + ")),"
                // Households with a risk up to this one's (peers included) over all households: cume_dist by household.
                + " ranked AS (SELECT personal_id, enroll_date, head, round(100.0 * count(*) FILTER (WHERE head)"
                + " OVER (ORDER BY household_risk) / count(*) FILTER (WHERE head) OVER (), 2) AS percentile"
                + " FROM members),"
                + " written AS (UPDATE " + own + " h SET risk_percentile = r.percentile FROM ranked r"
                + " WHERE h.personal_id = r.personal_id AND h.enroll_date = r.enroll_date"
                + " AND h.risk_percentile IS DISTINCT FROM r.percentile RETURNING 1)"
                + " SELECT (SELECT count(*) FILTER (WHERE head) FROM ranked), (SELECT count(*) FROM ranked),"
                + " (SELECT count(*) FROM written)")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                LOG.info(
                        "run {}: {} current households ({} guests) ranked by risk ({} percentiles changed) in {} ms",
                        runId,
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        (System.nanoTime() - started) / 1_000_000);
            }
        }
    }
}
