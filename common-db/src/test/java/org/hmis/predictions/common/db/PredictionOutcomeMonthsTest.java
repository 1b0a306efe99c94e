package org.hmis.predictions.common.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.localservices.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The view of realised figures per model and month of exit, on outcomes whose answers are worked out by hand. */
class PredictionOutcomeMonthsTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    private static final double EPSILON = 1e-12;

    @BeforeAll
    static void outcomes() throws SQLException {
        PipelineSchema.migrate(PG.dataSource(), SqlIdentifier.of("guests"));
        try (Connection c = PG.connect();
                PreparedStatement ps = c.prepareStatement("INSERT INTO prediction_outcomes (personal_id, enroll_date,"
                        + " exit_date, exit_destination, actual_class, predicted_exit_destination, p_es, p_other,"
                        + " p_perm, p_temp, p_unknown, risk, model, model_etag, run_id, recorded_by_run)"
                        + " VALUES (?, DATE '2025-06-01', ?::date, 'x', ?, ?, ?, ?, ?, ?, ?, 1 - ?, ?, 'etag', 'run',"
                        + " 'remove')")) {
            // model m1, January: brier 0, 0.5, 0, 0.72; accuracy 2/4; F1 es 2/3, perm 1/2, others 0.
            add(ps, 1, "2026-01-01", "perm", "perm", 0, 0, 1, 0, 0, "m1");
            add(ps, 2, "2026-01-15", "perm", "es", 0.5, 0, 0.5, 0, 0, "m1");
            add(ps, 3, "2026-01-31", "es", "es", 1, 0, 0, 0, 0, "m1");
            add(ps, 4, "2026-01-20", "temp", "perm", 0, 0, 0.6, 0.4, 0, "m1");
            // A destination the mapping did not know: kept, measures nothing.
            add(ps, 5, "2026-01-20", null, "perm", 0, 0, 1, 0, 0, "m1");
            // model m1, February: one right answer.
            add(ps, 6, "2026-02-01", "other", "other", 0, 1, 0, 0, 0, "m1");
            // model m2, January: one wrong answer.
            add(ps, 7, "2026-01-10", "unknown", "es", 0.5, 0, 0, 0, 0.5, "m2");
            ps.executeBatch();
        }
    }

    private static void add(
            PreparedStatement ps,
            long id,
            String exitDate,
            String actual,
            String predicted,
            double es,
            double other,
            double perm,
            double temp,
            double unknown,
            String model)
            throws SQLException {
        ps.setLong(1, id);
        ps.setString(2, exitDate);
        ps.setString(3, actual);
        ps.setString(4, predicted);
        ps.setDouble(5, es);
        ps.setDouble(6, other);
        ps.setDouble(7, perm);
        ps.setDouble(8, temp);
        ps.setDouble(9, unknown);
        ps.setDouble(10, perm);
        ps.setString(11, model);
        ps.addBatch();
    }

    private static void assertMonth(
            Statement st, String model, String month, long guests, double accuracy, double macroF1, double brier)
            throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT guests, accuracy, macro_f1, brier FROM prediction_outcome_months"
                + " WHERE model = '" + model + "' AND exit_month = DATE '" + month + "'")) {
            assertTrue(rs.next(), model + " " + month);
            assertEquals(guests, rs.getLong(1), "guests");
            assertEquals(accuracy, rs.getDouble(2), EPSILON, "accuracy");
            assertEquals(macroF1, rs.getDouble(3), EPSILON, "macro F1");
            assertEquals(brier, rs.getDouble(4), EPSILON, "Brier");
            assertFalse(rs.next());
        }
    }

    @Test
    void eachModelAndMonthOfExitHasItsRealisedFigures() throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            assertMonth(st, "m1", "2026-01-01", 4, 0.5, (2.0 / 3 + 0.5) / 5, (0 + 0.5 + 0 + 0.72) / 4);
            assertMonth(st, "m1", "2026-02-01", 1, 1.0, 1.0 / 5, 0);
            // Brier: (0.5 - 0)^2 for es + (0.5 - 1)^2 for unknown.
            assertMonth(st, "m2", "2026-01-01", 1, 0.0, 0.0, 0.5);
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM prediction_outcome_months")) {
                rs.next();
                assertEquals(3, rs.getLong(1), "one row per model and month with a measured outcome");
            }
        }
    }
}
