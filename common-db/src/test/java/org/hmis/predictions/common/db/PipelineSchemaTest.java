package org.hmis.predictions.common.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.localservices.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PipelineSchemaTest {

    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    private static final SqlIdentifier GUESTS = SqlIdentifier.of("guests");

    /** A column as information_schema reports it. */
    private record Column(String name, String type) {}

    private static List<Column> columnsOf(Connection c, String table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, data_type FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return columns;
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void migratingAgainRunsNothingAndKeepsTheRows() throws SQLException {
        try (Connection c = PG.connect()) {
            execute(c, "CREATE SCHEMA again");
        }
        assertEquals(9, PipelineSchema.migrate(PG.dataSource("again"), GUESTS));
        try (Connection c = PG.connect()) {
            execute(
                    c,
                    "INSERT INTO again.prediction_runs (run_id, step, started_at, status)"
                            + " VALUES ('20261123T100000Z-0001', 'wrangle', now(), 'done')");
        }
        assertEquals(0, PipelineSchema.migrate(PG.dataSource("again"), GUESTS));
        try (Connection c = PG.connect()) {
            assertEquals(1, count(c, "SELECT count(*) FROM again.prediction_runs"));
            assertEquals(
                    1,
                    count(
                            c,
                            "SELECT count(*) FROM again." + PipelineSchema.HISTORY_TABLE
                                    + " WHERE version = '1' AND success"));
        }
    }

    @Test
    void aTableTheOldStepsCreatedIsAdoptedWithItsRows() throws SQLException {
        try (Connection c = PG.connect()) {
            execute(c, "CREATE SCHEMA adopted");
            execute(
                    c,
                    "CREATE TABLE adopted.prediction_runs (run_id TEXT NOT NULL, step TEXT NOT NULL,"
                            + " part TEXT NOT NULL DEFAULT '', started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ,"
                            + " rows BIGINT, model TEXT, status TEXT NOT NULL, details JSONB, PRIMARY KEY (run_id, step, part))");
            execute(
                    c,
                    "INSERT INTO adopted.prediction_runs (run_id, step, started_at, status)"
                            + " VALUES ('20261123T100000Z-0001', 'remove', now(), 'done')");
        }
        PipelineSchema.migrate(PG.dataSource("adopted"), GUESTS);
        try (Connection c = PG.connect()) {
            assertEquals(1, count(c, "SELECT count(*) FROM adopted.prediction_runs"));
            assertEquals(
                    1,
                    count(
                            c,
                            "SELECT count(*) FROM adopted." + PipelineSchema.HISTORY_TABLE
                                    + " WHERE version = '1' AND success"));
        }
    }

    @Test
    void predictionRunsKeepsOneRowPerRunStepAndPart() throws SQLException {
        try (Connection c = PG.connect()) {
            PipelineSchema.migrate(PG.dataSource(), GUESTS);
            assertEquals(
                    List.of(
                            new Column("run_id", "text"),
                            new Column("step", "text"),
                            new Column("part", "text"),
                            new Column("started_at", "timestamp with time zone"),
                            new Column("finished_at", "timestamp with time zone"),
                            new Column("rows", "bigint"),
                            new Column("model", "text"),
                            new Column("status", "text"),
                            new Column("details", "jsonb"),
                            new Column("parts", "integer"),
                            new Column("completed_at", "timestamp with time zone"),
                            new Column("content_id", "text"),
                            new Column("model_version", "text")),
                    columnsOf(c, "prediction_runs"));
            Instant now = Instant.parse("2026-11-23T10:00:00Z");
            String part = "predictions/20261123T100000Z-0001/part-00000.csv";
            RunLedger.record(
                    c,
                    new RunLedger.Entry(
                            "20261123T100000Z-0001", "update-db", part, now, now, 10, "m", "running", Map.of()),
                    null,
                    null);
            RunLedger.record(
                    c,
                    new RunLedger.Entry(
                            "20261123T100000Z-0001",
                            "update-db",
                            part,
                            now,
                            now,
                            10,
                            "m",
                            "succeeded",
                            Map.of("rows", 10)),
                    null,
                    null);
            assertEquals(
                    Optional.of("succeeded"),
                    PredictionRuns.recorded(c, "20261123T100000Z-0001", "update-db", part)
                            .map(PredictionRuns.Recorded::status));
            execute(
                    c,
                    "INSERT INTO prediction_runs (run_id, step, started_at, status)"
                            + " VALUES ('20261123T100000Z-0001', 'wrangle', now(), 'succeeded')");
            assertEquals(
                    Optional.of("succeeded"),
                    PredictionRuns.recorded(c, "20261123T100000Z-0001", "wrangle", "")
                            .map(PredictionRuns.Recorded::status));
            SQLException again = assertThrows(
                    SQLException.class,
                    () -> execute(
                            c,
                            "INSERT INTO prediction_runs"
                                    + " (run_id, step, started_at, status) VALUES ('20261123T100000Z-0001', 'wrangle', now(), 'x')"));
            assertEquals("23505", again.getSQLState());
        }
    }

    @Test
    void theRiskViewWaitsForTheGuestsTableMatchesItsKeyDateInUtcAndComesBackAfterItIsReplaced() throws SQLException {
        try (Connection c = PG.connect()) {
            execute(c, "CREATE SCHEMA later");
        }
        assertEquals(9, PipelineSchema.migrate(PG.dataSource("later"), GUESTS), "the tables, not yet the view");
        try (Connection c = PG.connect()) {
            execute(
                    c,
                    "CREATE TABLE later.guests (personal_id integer, enroll_date timestamptz, exit_date date,"
                            + " case_id integer, relationship_to_hoh text)");
            // 23:30 in New York on 1 November is 2 November in UTC: the key date rule's date.
            execute(
                    c,
                    "INSERT INTO later.guests VALUES (1, '2026-11-01 23:30-05', NULL, 10),"
                            + " (2, '2026-11-01 12:00Z', '2026-11-20', 20)");
            execute(
                    c,
                    "INSERT INTO later.guest_predictions (personal_id, enroll_date, run_id, run_started_at,"
                            + " predicted_exit_destination, p_es, p_other, p_perm, p_temp, p_unknown, risk)"
                            + " VALUES (1, '2026-11-02', 'r', now(), 'es', 1, 0, 0, 0, 0, 1),"
                            + " (2, '2026-11-01', 'r', now(), 'es', 1, 0, 0, 0, 0, 1)");
        }
        assertEquals(0, PipelineSchema.migrate(PG.dataSource("later"), GUESTS), "no migration: the view is made");
        try (Connection c = PG.connect()) {
            execute(c, "SET TIME ZONE 'America/New_York'");
            assertEquals(
                    1,
                    count(c, "SELECT count(*) FROM later.current_guest_risk WHERE personal_id = 1 AND household = 10"),
                    "the current guest, matched by the UTC date of a timestamptz whatever the session's zone");
            assertEquals(
                    0,
                    count(c, "SELECT count(*) FROM later.current_guest_risk WHERE personal_id = 2"),
                    "a guest with an exit date is not current");
            assertEquals(
                    1,
                    count(
                            c,
                            "SELECT count(*) FROM later.current_household_risk WHERE case_id = 10"
                                    + " AND personal_ids = '{1}' AND members = 1"),
                    "the households' view matches the key date as the guests' view does");
        }
        // An intake app that drops and recreates its table drops the views with it; the next setup makes them again.
        try (Connection c = PG.connect()) {
            execute(c, "DROP TABLE later.guests CASCADE");
            execute(
                    c,
                    "CREATE TABLE later.guests (personal_id integer, enroll_date date, exit_date date, case_id int,"
                            + " relationship_to_hoh text)");
            execute(c, "INSERT INTO later.guests VALUES (2, '2026-11-01', NULL, 20)");
        }
        assertEquals(0, PipelineSchema.migrate(PG.dataSource("later"), GUESTS));
        try (Connection c = PG.connect()) {
            assertEquals(
                    1,
                    count(c, "SELECT count(*) FROM later.current_guest_risk WHERE personal_id = 2 AND household = 20"));
            assertEquals(1, count(c, "SELECT count(*) FROM later.current_household_risk WHERE personal_ids = '{2}'"));
        }
    }

    @Test
    void theGuestPredictionsTableHasTheNameTheConfigurationGivesIt() throws SQLException {
        try (Connection c = PG.connect()) {
            execute(c, "CREATE SCHEMA named");
        }
        PipelineSchema.migrate(
                PG.dataSource("named"),
                GUESTS,
                SqlIdentifier.of("named.latest_predictions"),
                SqlIdentifier.of("named.ranked"));
        try (Connection c = PG.connect()) {
            execute(c, "SET search_path = named");
            assertEquals(
                    List.of(
                            new Column("personal_id", "bigint"),
                            new Column("enroll_date", "date"),
                            new Column("run_id", "text"),
                            new Column("run_started_at", "timestamp with time zone"),
                            new Column("model", "text"),
                            new Column("model_etag", "text"),
                            new Column("predicted_exit_destination", "text"),
                            new Column("p_es", "double precision"),
                            new Column("p_other", "double precision"),
                            new Column("p_perm", "double precision"),
                            new Column("p_temp", "double precision"),
                            new Column("p_unknown", "double precision"),
                            new Column("updated_at", "timestamp with time zone"),
                            new Column("risk", "double precision"),
                            new Column("risk_percentile", "numeric"),
                            new Column("reasons", "jsonb"),
                            new Column("feature_spec_version", "text"),
                            new Column("feature_hash", "bigint"),
                            new Column("model_version", "text")),
                    columnsOf(c, "latest_predictions"));
            assertEquals(
                    0,
                    count(
                            c,
                            "SELECT count(*) FROM pg_tables WHERE schemaname = 'named' AND tablename = 'guest_predictions'"));
        }
    }
}
