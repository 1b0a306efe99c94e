package org.hmis.predictions.remove;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.common.storage.RunId;
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
            st.execute("TRUNCATE prediction_runs");
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
    void aMissingTableIsNamed() {
        RemoveExitedStep missing =
                new RemoveExitedStep(database.dataSource(), SqlIdentifier.of("no_such_guests"), false);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> missing.run(RunId.newRun()));
        assertTrue(e.getMessage().contains("no_such_guests does not exist"), e.getMessage());
    }
}
