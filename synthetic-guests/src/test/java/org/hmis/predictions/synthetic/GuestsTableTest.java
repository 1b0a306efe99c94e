package org.hmis.predictions.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.localservices.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GuestsTableTest {

    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    /** A column of the reference file: name as written (unquoted) and the type information_schema reports. */
    private record Column(String name, String type) {}

    private static List<Column> reference;

    /** Parses the CREATE TABLE of the reference guests_columns.sql (a copy of the shared data contract). */
    @BeforeAll
    static void parseReference() throws IOException {
        String sql;
        try (InputStream in = GuestsTableTest.class.getResourceAsStream("/reference/guests_columns.sql")) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String body = sql.substring(sql.indexOf("CREATE TABLE guests ("), sql.indexOf("\n);"));
        Pattern column = Pattern.compile(
                "^ {4}(\"[^\"]+\"|[a-z_0-9]+)\\s+([A-Z][A-Z ]*[A-Z](?:\\(\\d+,\\d+\\))?)", Pattern.MULTILINE);
        reference = new ArrayList<>();
        Matcher m = column.matcher(body);
        while (m.find()) {
            String type = m.group(2).replace(" NOT NULL", "");
            reference.add(new Column(m.group(1).replace("\"", ""), informationSchemaType(type)));
        }
    }

    private static String informationSchemaType(String declared) {
        return switch (declared) {
            case "BIGINT" -> "bigint";
            case "INTEGER" -> "integer";
            case "TEXT" -> "text";
            case "DATE" -> "date";
            case "BOOLEAN" -> "boolean";
            case "DOUBLE PRECISION" -> "double precision";
            case "TIMESTAMP" -> "timestamp without time zone";
            case "VARCHAR" -> "character varying";
            case "NUMERIC(10,2)" -> "numeric(10,2)";
            default -> throw new IllegalArgumentException("type " + declared + " in the reference file");
        };
    }

    private static List<Column> columnsOf(Connection c, String schema, String table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, data_type, numeric_precision,"
                + " numeric_scale FROM information_schema.columns WHERE table_schema = ? AND table_name = ?"
                + " ORDER BY ordinal_position")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String type = rs.getString(2);
                    if (type.equals("numeric")) {
                        type += "(" + rs.getInt(3) + "," + rs.getInt(4) + ")";
                    }
                    columns.add(new Column(rs.getString(1), type));
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

    @Test
    void theReferenceListsTheIntakeColumnsAndThePrediction() {
        assertEquals(154, reference.size());
        assertEquals(new Column("index", "bigint"), reference.get(0));
        assertEquals(new Column("predicted_exit_destination", "character varying"), reference.get(153));
    }

    @Test
    void guestsTableHasEveryReferenceColumnWithItsTypeButThePrediction() throws SQLException {
        try (Connection c = PG.connect()) {
            GuestsTable.create(c, SqlIdentifier.of("guests"));
            assertEquals(reference.subList(0, 153), columnsOf(c, "public", "guests"));
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(
                            "SELECT is_nullable"
                                    + " FROM information_schema.columns WHERE table_name = 'guests' AND column_name = 'personal_id'")) {
                rs.next();
                assertEquals("NO", rs.getString(1));
            }
            // The remove step's ALTER completes the reference.
            execute(c, "ALTER TABLE guests ADD COLUMN IF NOT EXISTS predicted_exit_destination VARCHAR");
            assertEquals(reference, columnsOf(c, "public", "guests"));
        }
    }

    @Test
    void personalIdAndEnrollDateAreUnique() throws SQLException {
        try (Connection c = PG.connect()) {
            GuestsTable.create(c, SqlIdentifier.of("guests_key"));
            execute(c, "INSERT INTO guests_key (personal_id, enroll_date) VALUES (7, '2025-01-01'), (7, '2026-01-01')");
            SQLException duplicate = assertThrows(
                    SQLException.class,
                    () -> execute(c, "INSERT INTO guests_key (personal_id, enroll_date) VALUES (7, '2025-01-01')"));
            assertEquals("23505", duplicate.getSQLState());
            assertTrue(duplicate.getMessage().contains("guests_key_person_enrol_uk"), duplicate.getMessage());
        }
    }

    @Test
    void applyingTheSchemaAgainChangesNothing() throws SQLException {
        try (Connection c = PG.connect()) {
            GuestsTable.create(c, SqlIdentifier.of("guests_again"));
            execute(c, "INSERT INTO guests_again (personal_id, enroll_date) VALUES (1, '2025-01-01')");
            GuestsTable.create(c, SqlIdentifier.of("guests_again"));
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM guests_again")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
        }
    }

    @Test
    void aMixedCaseSchemaQualifiedNameKeepsItsCase() throws SQLException {
        try (Connection c = PG.connect()) {
            execute(c, "CREATE SCHEMA \"Intake\"");
            GuestsTable.create(c, SqlIdentifier.of("Intake.MixedCase_Guests"));
            assertEquals(153, columnsOf(c, "Intake", "MixedCase_Guests").size());
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(
                            "SELECT schemaname, indexname" + " FROM pg_indexes WHERE tablename = 'MixedCase_Guests'")) {
                rs.next();
                assertEquals("Intake", rs.getString(1));
                assertEquals("MixedCase_Guests_person_enrol_uk", rs.getString(2));
            }
        }
    }

    @Test
    void aLongTableNameGetsAKeyIndexNameWithinTheLimit() throws SQLException {
        String name = "g".repeat(63);
        try (Connection c = PG.connect()) {
            GuestsTable.create(c, SqlIdentifier.of(name));
            try (Statement st = c.createStatement();
                    ResultSet rs =
                            st.executeQuery("SELECT indexname FROM pg_indexes" + " WHERE tablename = '" + name + "'")) {
                rs.next();
                assertEquals("g".repeat(63 - 16) + "_person_enrol_uk", rs.getString(1));
            }
        }
    }

    @Test
    void theDdlCarriesOnlyTheQuotedName() {
        String ddl = GuestsTable.ddl(SqlIdentifier.of("Intake.Guests"));
        assertTrue(ddl.contains("CREATE TABLE IF NOT EXISTS \"Intake\".\"Guests\" ("), ddl);
        assertTrue(ddl.contains("\"Guests_person_enrol_uk\" ON \"Intake\".\"Guests\" (personal_id, enroll_date)"), ddl);
        assertTrue(!ddl.contains("${"), "every placeholder replaced");
    }
}
