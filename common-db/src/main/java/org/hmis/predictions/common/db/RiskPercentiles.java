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
 * Ranks a complete run's current guests by risk: each one's {@code risk_percentile} in the guest predictions table is
 * {@code 100 * cume_dist()} by risk among the current guests (no exit date) whose row the run wrote, so 100 is the
 * most at risk and equal risks share a percentile. Runs in the transaction that marks the run complete (update's last
 * part, or wrangle's manifest when every part was applied before it), so a complete run is always ranked. Only rows
 * whose percentile changes are written: a run that changes nothing rewrites nothing.
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
        try (PreparedStatement ps = connection.prepareStatement("WITH ranked AS (SELECT h.personal_id, h.enroll_date,"
                + " round((100 * cume_dist() OVER (ORDER BY h.risk))::numeric, 2) AS percentile FROM " + own + " h"
                + " WHERE h.run_id = ? AND EXISTS (SELECT 1 FROM " + guestsTable.quoted() + " g WHERE "
                + keys.keyMatch("g", "h") + " AND g.exit_date IS NULL)),"
                + " written AS (UPDATE " + own + " h SET risk_percentile = r.percentile FROM ranked r"
                + " WHERE h.personal_id = r.personal_id AND h.enroll_date = r.enroll_date"
                + " AND h.risk_percentile IS DISTINCT FROM r.percentile RETURNING 1)"
                + " SELECT (SELECT count(*) FROM ranked), (SELECT count(*) FROM written)")) {
            ps.setString(1, runId.value());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                LOG.info(
                        "run {}: {} current guests ranked by risk ({} percentiles changed) in {} ms",
                        runId,
                        rs.getLong(1),
                        rs.getLong(2),
                        (System.nanoTime() - started) / 1_000_000);
            }
        }
    }
}
