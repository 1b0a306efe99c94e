package org.hmis.predictions.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.stream.Collectors;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.localservices.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;

class GuestLoaderTest {

    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    private static final LocalDate AS_OF = LocalDate.of(2026, 11, 23);

    private static GuestGenerator generator(long seed) {
        return GuestGenerator.builder().seed(seed).asOf(AS_OF).build();
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void loadsTheRowsItReportsAndTheyHoldTogether() throws Exception {
        SqlIdentifier table = SqlIdentifier.of("guests_loaded");
        try (Connection c = PG.connect()) {
            GuestsTable.create(c, table);
            assertEquals(10_000, new GuestLoader(generator(11)).load(c, table, 10_000));
            assertEquals(10_000, scalar(c, "SELECT count(*) FROM guests_loaded"));
            assertEquals(
                    0,
                    scalar(
                            c,
                            "SELECT count(*) FROM guests_loaded"
                                    + " WHERE (exit_date IS NULL) <> (exit_destination IS NULL) OR exit_date < enroll_date"));
            assertEquals(
                    0,
                    scalar(
                            c,
                            "SELECT count(*) FROM (SELECT case_id FROM guests_loaded GROUP BY case_id"
                                    + " HAVING count(*) FILTER (WHERE relationship_to_hoh = 'Self') <> 1"
                                    + " OR count(*) <> min(case_members) OR count(*) <> max(case_members)"
                                    + " OR count(*) FILTER (WHERE age_at_enrollment >= 18) <> max(case_adults)) bad"));
            assertEquals(
                    0,
                    scalar(
                            c,
                            "SELECT count(*) FROM guests_loaded WHERE barrier_count_at_entry <> num_nonnulls("
                                    + "alcohol_abuse, chronic_health_condition, developmental_disability, substance_abuse, hiv_aids,"
                                    + " mental_health_problem, physical_disability)"));
            long current = scalar(c, "SELECT count(*) FROM guests_loaded WHERE exit_date IS NULL");
            assertEquals(1_000.0, (double) current, 200.0);
            assertEquals(1, scalar(c, "SELECT count(DISTINCT \"current_date\") FROM guests_loaded"));
        }
    }

    @Test
    void csvAndCopyTextCarryTheSameData() throws Exception {
        SqlIdentifier fromText = SqlIdentifier.of("guests_text");
        SqlIdentifier fromCsv = SqlIdentifier.of("guests_csv");
        try (Connection c = PG.connect()) {
            GuestsTable.create(c, fromText);
            GuestsTable.create(c, fromCsv);
            new GuestLoader(generator(12)).load(c, fromText, 3_000);
            byte[] csv = GeneratedGuests.bytes(generator(12), 3_000, GuestGenerator.Format.CSV);
            String columns =
                    GuestGenerator.COLUMNS.stream().map(n -> '"' + n + '"').collect(Collectors.joining(","));
            long rows = c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            "COPY guests_csv (" + columns + ") FROM STDIN (FORMAT csv, HEADER true)",
                            new ByteArrayInputStream(csv));
            assertEquals(3_000, rows);
            assertEquals(
                    0,
                    scalar(
                            c,
                            "SELECT count(*) FROM ((TABLE guests_text EXCEPT TABLE guests_csv)"
                                    + " UNION ALL (TABLE guests_csv EXCEPT TABLE guests_text)) d"));
        }
    }

    @Test
    void aFailedLoadLeavesTheTableAsItWas() throws Exception {
        SqlIdentifier table = SqlIdentifier.of("guests_twice");
        try (Connection c = PG.connect()) {
            GuestsTable.create(c, table);
            new GuestLoader(generator(13)).load(c, table, 1_000);
            // The same guests again break the unique key part-way through the stream.
            SQLException duplicate =
                    assertThrows(SQLException.class, () -> new GuestLoader(generator(13)).load(c, table, 5_000));
            assertEquals("23505", duplicate.getSQLState());
            assertEquals(1_000, scalar(c, "SELECT count(*) FROM guests_twice"));
        }
    }

    @Test
    void loadsIntoASchemaQualifiedMixedCaseTable() throws SQLException, IOException {
        SqlIdentifier table = SqlIdentifier.of("Intake.Guests_Copy");
        try (Connection c = PG.connect()) {
            execute(c, "CREATE SCHEMA \"Intake\"");
            GuestsTable.create(c, table);
            assertEquals(500, new GuestLoader(generator(14)).load(c, table, 500));
            assertEquals(500, scalar(c, "SELECT count(*) FROM \"Intake\".\"Guests_Copy\""));
        }
    }
}
