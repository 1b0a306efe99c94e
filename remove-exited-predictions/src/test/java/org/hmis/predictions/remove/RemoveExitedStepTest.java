package org.hmis.predictions.remove;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.common.db.TransactionSettings;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.lambda.Deadline;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.synthetic.GuestsTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RemoveExitedStepTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    private static final SqlIdentifier TABLE = SqlIdentifier.of("guests");
    private static Database database;

    @BeforeAll
    static void pool() {
        database = Database.connect(PG.jdbcUrl(), PG.user(), PG.password(), null, 2);
        PipelineSchema.migrate(database.dataSource(), TABLE);
    }

    @AfterAll
    static void closePool() {
        database.close();
    }

    @BeforeEach
    void freshTable() throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS guests CASCADE");
            st.execute("TRUNCATE prediction_runs, guest_predictions, prediction_outcomes");
            GuestsTable.create(c, TABLE);
            // 1: current, never predicted; 2: current with a prediction; 3, 4: exited; 5: exited, already marked
            st.execute("INSERT INTO guests (personal_id, enroll_date, exit_date, exit_destination) VALUES"
                    + " (1, '2026-01-05', NULL, NULL),"
                    + " (2, '2026-02-01', NULL, NULL),"
                    + " (3, '2025-03-01', '2025-06-30', 'Client refused'),"
                    + " (4, '2025-04-01', '2025-05-02', 'Emergency shelter, including hotel or motel paid for with emergency shelter voucher, or RHY-funded Host Home shelter'),"
                    + " (4, '2026-03-01', NULL, NULL)");
        }
    }

    private static RemoveExitedStep step() {
        return new RemoveExitedStep(database.dataSource(), TABLE, false);
    }

    private static Map<String, String> predictions() throws SQLException {
        Map<String, String> byKey = new HashMap<>();
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT personal_id, enroll_date, predicted_exit_destination FROM guests")) {
            while (rs.next()) {
                byKey.put(rs.getInt(1) + "/" + rs.getString(2), rs.getString(3));
            }
        }
        return byKey;
    }

    @Test
    void addsTheMissingColumnAndMarksOnlyExitedGuests() throws SQLException {
        RemoveExitedStep.Summary summary = step().run(RunId.parse("20261123T060000Z-0001"));
        assertTrue(summary.columnCreated());
        assertEquals(2, summary.rowsMarked());
        Map<String, String> p = predictions();
        assertEquals("exited", p.get("3/2025-03-01"));
        assertEquals("exited", p.get("4/2025-04-01"));
        assertEquals(null, p.get("1/2026-01-05"));
        assertEquals(null, p.get("4/2026-03-01"), "a re-enrolled guest's current enrolment stays current");
    }

    @Test
    void leavesCurrentGuestsPredictionsUntouched() throws SQLException {
        step().run(RunId.parse("20261123T060000Z-0001"));
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute("UPDATE guests SET predicted_exit_destination = 'perm' WHERE personal_id = 2");
            st.execute(
                    "UPDATE guests SET exit_date = '2026-11-20', exit_destination = 'Client refused' WHERE personal_id = 1");
        }
        RemoveExitedStep.Summary second = step().run(RunId.parse("20261123T070000Z-0002"));
        assertFalse(second.columnCreated());
        assertEquals(1, second.rowsMarked(), "only the guest who left since is touched");
        Map<String, String> p = predictions();
        assertEquals("perm", p.get("2/2026-02-01"));
        assertEquals("exited", p.get("1/2026-01-05"));
    }

    @Test
    void aSecondRunChangesNothingAndIsRecorded() throws SQLException {
        step().run(RunId.parse("20261123T060000Z-0001"));
        RemoveExitedStep.Summary again = step().run(RunId.parse("20261123T060500Z-0002"));
        assertEquals(0, again.rowsMarked());
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT run_id, rows, status FROM prediction_runs WHERE step = 'remove' ORDER BY run_id")) {
            assertTrue(rs.next());
            assertEquals("20261123T060000Z-0001", rs.getString(1));
            assertEquals(2, rs.getLong(2));
            assertEquals("done", rs.getString(3));
            assertTrue(rs.next());
            assertEquals(0, rs.getLong(2));
            assertFalse(rs.next());
        }
    }

    @Test
    void withTheColumnPresentItWaitsOnNoReaderOfTheTable() throws Exception {
        step().run(RunId.parse("20261123T060000Z-0001"));
        // A reader holds ACCESS SHARE; an ALTER TABLE would wait for it (and fail at the step's lock timeout), the
        // UPDATE does not.
        try (Connection reader = PG.connect()) {
            reader.setAutoCommit(false);
            try (Statement st = reader.createStatement()) {
                st.executeQuery("SELECT count(*) FROM guests").close();
            }
            RemoveExitedStep.Summary summary = step().run(RunId.parse("20261123T060500Z-0002"));
            assertFalse(summary.columnCreated());
            reader.rollback();
        }
    }

    @Test
    void aLockHeldPastTheTimeLeftEndsTheRunCleanlyAndTheServerStopsWaiting() throws Exception {
        step().run(RunId.parse("20261123T060000Z-0001"));
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute(
                    "UPDATE guests SET exit_date = '2026-11-20', exit_destination = 'Client refused' WHERE personal_id = 1");
        }
        RunId blocked = RunId.parse("20261123T070000Z-0002");
        try (Connection holder = PG.connect();
                Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            st.executeQuery("SELECT * FROM guests WHERE personal_id = 1 FOR UPDATE")
                    .close();
            long started = System.nanoTime();
            Deadline deadline = Deadline.after(Duration.ofSeconds(3), Duration.ofSeconds(1));
            SQLException e = assertThrows(SQLException.class, () -> step().run(RunRequest.madeHere(blocked), deadline));
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(TransactionSettings.timedOut(e), "the server stopped the statement: " + e.getMessage());
            assertTrue(tookMs < 3_000, "ended within the invocation's time: " + tookMs + " ms");
            assertEquals(0, PG.sessionsWaitingOnLocks(), "no statement of the step is left waiting on the server");
            holder.rollback();
        }
        assertEquals(null, predictions().get("1/2026-01-05"), "nothing was marked");
        try (Connection c = PG.connect();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM prediction_runs WHERE run_id = ?")) {
            ps.setString(1, blocked.value());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getLong(1), "the run that ran out of time is not recorded done");
            }
        }
    }

    @Test
    void aMissingTableIsNamed() {
        RemoveExitedStep missing =
                new RemoveExitedStep(database.dataSource(), SqlIdentifier.of("no_such_guests"), false);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> missing.run(RunId.newRun()));
        assertTrue(e.getMessage().contains("no_such_guests does not exist"), e.getMessage());
    }

    /**
     * A guest's latest prediction, as update keeps it: its risk is the risk model's, which is not 1 - p_perm, so an
     * outcome kept with the risk recomputed from the classes would show.
     */
    private static void predicted(
            long personalId, String enrollDate, String runId, String model, String cls, double pPerm)
            throws SQLException {
        double rest = (1 - pPerm) / 4;
        try (Connection c = PG.connect();
                PreparedStatement ps = c.prepareStatement("INSERT INTO guest_predictions (personal_id, enroll_date,"
                        + " run_id, run_started_at, model, model_etag, predicted_exit_destination, p_es, p_other, p_perm,"
                        + " p_temp, p_unknown, risk) VALUES (?, ?::date, ?, now(), ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (personal_id, enroll_date) DO UPDATE SET run_id = EXCLUDED.run_id,"
                        + " model = EXCLUDED.model, model_etag = EXCLUDED.model_etag,"
                        + " predicted_exit_destination = EXCLUDED.predicted_exit_destination, p_es = EXCLUDED.p_es,"
                        + " p_other = EXCLUDED.p_other, p_perm = EXCLUDED.p_perm, p_temp = EXCLUDED.p_temp,"
                        + " p_unknown = EXCLUDED.p_unknown, risk = EXCLUDED.risk")) {
            ps.setLong(1, personalId);
            ps.setString(2, enrollDate);
            ps.setString(3, runId);
            ps.setString(4, model);
            ps.setString(5, "etag-of-" + model);
            ps.setString(6, cls);
            ps.setDouble(7, rest);
            ps.setDouble(8, rest);
            ps.setDouble(9, pPerm);
            ps.setDouble(10, rest);
            ps.setDouble(11, rest);
            ps.setDouble(12, 1 - pPerm + RISK_MODEL_OFFSET);
            ps.executeUpdate();
        }
    }

    private static final double RISK_MODEL_OFFSET = 0.05;

    /** Each outcome row: key, exit date, destination, actual class, predicted class, p_perm, risk, model, etag, runs. */
    private static List<List<String>> outcomes() throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT personal_id || '/' || enroll_date, exit_date::text,"
                                + " exit_destination, actual_class, predicted_exit_destination, p_perm::text, round(risk::numeric,"
                                + " 6)::text, model, model_etag, run_id, recorded_by_run FROM prediction_outcomes ORDER BY 1")) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= 11; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void anExitingGuestsLastPredictionIsKeptOnceWithItsClasses() throws SQLException {
        predicted(3, "2025-03-01", "20250301T000000Z-0001", "m1", "perm", 0.6);
        predicted(2, "2026-02-01", "20250301T000000Z-0001", "m1", "es", 0.2);

        RemoveExitedStep.Summary first = step().run(RunId.parse("20261123T060000Z-0001"));

        assertEquals(2, first.rowsMarked());
        assertEquals(1, first.outcomesKept(), "guest 4 left without a prediction: no outcome");
        List<List<String>> kept = List.of(List.of(
                "3/2025-03-01",
                "2025-06-30",
                "Client refused",
                "unknown",
                "perm",
                "0.6",
                "0.450000",
                "m1",
                "etag-of-m1",
                "20250301T000000Z-0001",
                "20261123T060000Z-0001"));
        assertEquals(kept, outcomes());

        RemoveExitedStep.Summary second = step().run(RunId.parse("20261123T070000Z-0002"));
        assertEquals(0, second.outcomesKept());
        assertEquals(kept, outcomes(), "written once: a guest marked already is not kept again");
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT details->>'outcomesKept' FROM prediction_runs"
                        + " WHERE step = 'remove' ORDER BY run_id")) {
            assertTrue(rs.next());
            assertEquals("1", rs.getString(1));
            assertTrue(rs.next());
            assertEquals("0", rs.getString(1));
        }
    }

    @Test
    void aGuestWhoseExitWasClearedAndWhoLeavesAgainKeepsTheLaterExit() throws SQLException {
        predicted(3, "2025-03-01", "20250301T000000Z-0001", "m1", "perm", 0.6);
        step().run(RunId.parse("20261123T060000Z-0001"));
        // The exit is withdrawn; the guest is current again and a later run predicts them with another model.
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute(
                    "UPDATE guests SET exit_date = NULL, exit_destination = NULL, predicted_exit_destination = 'temp'"
                            + " WHERE personal_id = 3");
        }
        predicted(3, "2025-03-01", "20251001T000000Z-0002", "m2", "temp", 0.3);
        assertEquals(0, step().run(RunId.parse("20261123T070000Z-0002")).outcomesKept());
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute("UPDATE guests SET exit_date = '2025-11-15',"
                    + " exit_destination = 'Rental by client, no ongoing housing subsidy' WHERE personal_id = 3");
        }

        RemoveExitedStep.Summary again = step().run(RunId.parse("20261123T080000Z-0003"));

        assertEquals(1, again.outcomesKept());
        assertEquals(
                List.of(List.of(
                        "3/2025-03-01",
                        "2025-11-15",
                        "Rental by client, no ongoing housing subsidy",
                        "perm",
                        "temp",
                        "0.3",
                        "0.750000",
                        "m2",
                        "etag-of-m2",
                        "20251001T000000Z-0002",
                        "20261123T080000Z-0003")),
                outcomes(),
                "one row per guest key: the exit that stands, with the prediction made before it");
    }

    /**
     * A re-entry: the guest's exit is cleared in the guests table, so the guest is current again. The next remove
     * withdraws the exit's outcome, which the realised figures then no longer count.
     */
    @Test
    void aWithdrawnExitIsWithdrawnFromTheOutcomesToo() throws SQLException {
        predicted(3, "2025-03-01", "20250301T000000Z-0001", "m1", "perm", 0.6);
        predicted(2, "2026-02-01", "20250301T000000Z-0001", "m1", "es", 0.2);
        step().run(RunId.parse("20261123T060000Z-0001"));
        assertEquals(1, outcomes().size());
        assertEquals(1, monthlyGuests("m1"), "the exit is counted while it stands");
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute("UPDATE guests SET exit_date = NULL, exit_destination = NULL WHERE personal_id = 3");
        }

        RemoveExitedStep.Summary next = step().run(RunId.parse("20261123T070000Z-0002"));

        assertEquals(0, next.outcomesKept());
        assertEquals(List.of(), outcomes(), "the withdrawn exit's outcome is withdrawn");
        assertEquals(0, monthlyGuests("m1"), "and no month counts it while the guest is back");
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT details->>'outcomesWithdrawn' FROM prediction_runs"
                        + " WHERE step = 'remove' AND run_id = '20261123T070000Z-0002'")) {
            assertTrue(rs.next());
            assertEquals("1", rs.getString(1));
        }
    }

    /** The guests prediction_outcome_months counts for {@code model}, over every month. */
    private static long monthlyGuests(String model) throws SQLException {
        try (Connection c = PG.connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT coalesce(sum(guests), 0) FROM prediction_outcome_months WHERE model = ?")) {
            ps.setString(1, model);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aDestinationTheMappingDoesNotKnowIsKeptWithoutAClass() throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute("UPDATE guests SET exit_destination = 'Moved to the moon' WHERE personal_id = 3");
        }
        predicted(3, "2025-03-01", "20250301T000000Z-0001", "m1", "perm", 0.6);

        step().run(RunId.parse("20261123T060000Z-0001"));

        List<List<String>> rows = outcomes();
        assertEquals(1, rows.size());
        assertEquals("Moved to the moon", rows.get(0).get(2));
        assertEquals(null, rows.get(0).get(3), "no class: measured by nothing");
    }
}
