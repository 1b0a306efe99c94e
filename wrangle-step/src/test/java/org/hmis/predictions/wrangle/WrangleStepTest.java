package org.hmis.predictions.wrangle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.config.StorageSettings;
import org.hmis.predictions.common.csv.WrangledCsv;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.features.GuestFeatures;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.common.s3.StoredObject;
import org.hmis.predictions.common.storage.RunId;
import org.hmis.predictions.common.storage.RunKeys;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;

/** The wrangle step on a real PostgreSQL and a real S3 API. Each test has its own run id, so its own keys. */
class WrangleStepTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    private static final SqlIdentifier GUESTS = SqlIdentifier.of("guests");
    private static final String HEADER = String.join(",", WrangledCsv.header(FeatureSpec.V1.featureNames()));
    /** The guests table's personal data (docs/guests-data.md), never to be selected. */
    private static final List<String> PERSONAL_DATA_COLUMNS = List.of(
            "first_name",
            "last_name",
            "ssn",
            "dob",
            "enrollment_created_by",
            "email",
            "home_phone",
            "work_phone",
            "prior_address",
            "zip",
            "latitude",
            "longitude");

    private static Database database;
    private static ObjectStore store;

    @BeforeAll
    static void connect() {
        database = Database.connect(PG.jdbcUrl(), PG.user(), PG.password(), null, 2);
        PipelineSchema.migrate(database.dataSource(), GUESTS);
        store = ObjectStore.create(new StorageSettings(
                S3.bucket(),
                S3.bucket(),
                S3.region(),
                Optional.of(S3.endpoint()),
                Optional.of(new StorageSettings.AccessKeys(S3.accessKey(), S3.secretKey(), null))));
    }

    @AfterAll
    static void close() {
        database.close();
        store.close();
    }

    @BeforeEach
    void freshTables() throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS guests");
            st.execute("TRUNCATE prediction_runs");
            GuestsTable.create(c, GUESTS);
        }
    }

    private static WrangleStep step(int partRows) {
        return new WrangleStep(database.dataSource(), GUESTS, store, S3.bucket(), partRows);
    }

    private static void execute(String... statements) throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    private static String read(String key) {
        return store.readString(S3.bucket(), key);
    }

    private static byte[] readBytes(String key) throws IOException {
        try (InputStream in = store.open(S3.bucket(), key)) {
            return in.readAllBytes();
        }
    }

    private static final String FEATURE_COLUMNS =
            "case_members, age_at_enrollment, current_age, client_record_restricted,"
                    + " inforeleaseno, \"non-cash_benefit_count\", barrier_count_at_entry, chronic_homeless_status, under_25,"
                    + " case_children, case_adults, earned_income, supplemental_security_income, social_security_disability_income,"
                    + " va_disability_compensation, private_disability_income, tanf, general_assistance, child_support, other_income,"
                    + " chronic_homeless_status_evaluation, relationship_to_hoh, ssn_quality, dob_quality, race, ethnicity, gender,"
                    + " disabling_cond_at_entry, covered_by_health_insurance, household_type";

    @Test
    void handMadeGuestsComeOutExactlyRowByRow() throws Exception {
        execute("INSERT INTO guests (personal_id, enroll_date, exit_date, first_name, last_name, ssn, "
                + FEATURE_COLUMNS + ") VALUES"
                // In insertion order 104, 101, 105 (exited), 103, 102: the output is in key order.
                + " (104, '2026-04-01', NULL, 'Dora', 'Quux', '900-11-0004', 1, 19, 19, false, 142, 0, 0, 0, 'Yes', 0, 1,"
                + "   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'Cousin', 'Data not collected', 'Full DOB Reported',"
                + "   'Other, \"unlisted\"', '', 'Gender Non-Conforming (i.e. not exclusively male or female)', 'Missing', 'No',"
                + "   'Household with Only Children'),"
                + " (101, '2026-01-05', NULL, 'Ann', 'Example', '900-11-0001', 3, 34, 35, true, 500, 2, 1, 0, 'No', 2, 1,"
                + "   1250.50, 0, 0, 0, 0, 310.25, 0, 150, 0, 0, 'Self', 'Full SSN', 'Full DOB Reported', 'White',"
                + "   'Hispanic/Latino', 'Female', 'Yes', 'Client refused', 'Household with Adults and Children'),"
                + " (105, '2025-02-01', '2025-06-30', 'Eve', 'Gone', '900-11-0005', 1, 40, 41, false, 500, 0, 0, 0, 'No', 0, 1,"
                + "   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'Self', 'Full SSN', 'Full DOB Reported', 'Asian',"
                + "   'Non-Hispanic/Latino', 'Male', 'No', 'Yes', 'Household without Children'),"
                + " (103, '2026-03-03', NULL, 'Cy', 'Blank', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                + "   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
                + " (102, '2026-02-10', NULL, 'Bo', 'Sample', NULL, 5, 12, 13, false, 142, 10, 6, 1, 'Yes', 4, 1,"
                + "   0.01, 841, 99999999.99, 12.5, 0, 0, 7.75, 0, 3, 1, 'Step Child', 'Client Refused',"
                + "   'Approximate or Partial DOB Reported', 'Client refused', 'Client refused', 'Trans Male (FTM or Female to Male)',"
                + "   'Client refused', 'Yes', 'Household without Children')");

        RunId runId = RunId.parse("20261123T101500Z-0101");
        WrangleStep.Summary summary = step(100).run(runId);

        String numbers101 = "3,34,35,1,500,2,1,0,0,2,1,1250.5,0,0,0,0,310.25,0,150,0,0";
        String numbers102 = "5,12,13,0,142,10,6,1,1,4,1,0.01,841,99999999.99,12.5,0,0,7.75,0,3,1";
        String numbers103 = ",,,,,,,,,,,,,,,,,,,,";
        String numbers104 = "1,19,19,0,142,0,0,0,1,0,1,0,0,0,0,0,0,0,0,0,0";
        // Flags by source column: relationship (8), ssn (1), dob (1), race (7), ethnicity (2), gender (3),
        // disabling condition (2), health insurance (2), household type (2).
        String flags101 =
                "1,0,0,0,0,0,0,0," + "1," + "1," + "0,1,0,0,0,0,0," + "0,1," + "1,0,0," + "0,1," + "1,0," + "1,0";
        String flags102 =
                "0,0,0,0,0,0,0,1," + "0," + "0," + "1,0,0,0,0,0,0," + "1,0," + "0,0,1," + "1,0," + "0,1," + "0,1";
        String noFlags =
                "0,0,0,0,0,0,0,0," + "0," + "0," + "0,0,0,0,0,0,0," + "0,0," + "0,0,0," + "0,0," + "0,0," + "0,0";
        String flags104 =
                "0,0,0,0,0,0,0,0," + "0," + "1," + "0,0,0,0,0,0,0," + "0,0," + "0,0,0," + "0,0," + "0,0," + "0,0";
        String expected = HEADER + "\n"
                + "101,2026-01-05," + numbers101 + "," + flags101 + "\n"
                + "102,2026-02-10," + numbers102 + "," + flags102 + "\n"
                + "103,2026-03-03," + numbers103 + "," + noFlags + "\n"
                + "104,2026-04-01," + numbers104 + "," + flags104 + "\n";
        assertEquals(List.of(RunKeys.wrangledPart(runId, 0).key()), summary.parts());
        assertEquals(expected, read(summary.parts().get(0)));

        assertEquals(4, summary.rows(), "the exited guest 105 is left out");
        assertEquals(0, summary.rejected());
        assertNull(summary.rejectedKey());
        // 'Cousin' and the quoted 'Other, "unlisted"' are new categories; '' is no value, and the gender and household
        // values are known ones without a flag: neither is counted.
        assertEquals(Map.of("relationship_to_hoh", 1L, "race", 1L), summary.unknownValues());
        assertEquals("v1", summary.featureSpecVersion());
        assertEquals("wrangled 4 current guests into 1 part", summary.message());
        assertEquals(
                List.of(RunKeys.wrangledPart(runId, 0).key()),
                store.list(S3.bucket(), RunKeys.wrangledRunPrefix(runId)));
    }

    @Test
    void eachPartHoldsPartRowsWithItsCountInTheMetadata() throws Exception {
        StringBuilder values = new StringBuilder();
        for (int id = 1; id <= 10; id++) {
            values.append(id == 1 ? "" : ", ")
                    .append("(")
                    .append(id)
                    .append(", '2026-01-")
                    .append(String.format("%02d", id))
                    .append("', NULL, ")
                    .append(id)
                    .append(")");
        }
        execute("INSERT INTO guests (personal_id, enroll_date, exit_date, case_members) VALUES " + values);
        RunId runId = RunId.parse("20261123T101500Z-0102");

        WrangleStep.Summary summary = step(4).run(runId);

        assertEquals(
                List.of(
                        RunKeys.wrangledPart(runId, 0).key(),
                        RunKeys.wrangledPart(runId, 1).key(),
                        RunKeys.wrangledPart(runId, 2).key()),
                summary.parts());
        assertEquals(10, summary.rows());
        assertEquals("wrangled 10 current guests into 3 parts", summary.message());
        List<Integer> ids = new ArrayList<>();
        int[] sizes = {4, 4, 2};
        for (int p = 0; p < 3; p++) {
            String key = summary.parts().get(p);
            StoredObject head = store.head(S3.bucket(), key).orElseThrow();
            assertEquals(
                    Map.of("rows", String.valueOf(sizes[p]), "feature-spec-version", "v1", "run-id", runId.value()),
                    head.metadata());
            String[] lines = read(key).lines().toArray(String[]::new);
            assertEquals(HEADER, lines[0], "every part starts with the header");
            assertEquals(sizes[p] + 1, lines.length);
            for (int l = 1; l < lines.length; l++) {
                String[] fields = lines[l].split(",", -1);
                ids.add(Integer.parseInt(fields[0]));
                assertEquals(fields[0], fields[2], "case_members was set to the personal id");
            }
        }
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), ids, "parts follow one another in key order");
    }

    @Test
    void generatedGuestsPersonalDataNeverReachesAnObject() throws Exception {
        try (Connection c = PG.connect()) {
            new GuestLoader(GuestGenerator.builder()
                            .seed(7)
                            .asOf(LocalDate.of(2026, 11, 23))
                            .currentShare(0.3)
                            .build())
                    .load(c, GUESTS, 1500);
        }
        // Also a rejected row, so rejected.csv is searched too.
        execute("INSERT INTO guests (personal_id, enroll_date, exit_date, first_name, last_name, ssn, email)"
                + " VALUES (1, NULL, NULL, 'Rejecta', 'Nokey', '999-00-1111', 'rejecta@example.invalid')");
        RunId runId = RunId.parse("20261123T101500Z-0103");

        WrangleStep.Summary summary = step(97).run(runId);

        List<String> keys = store.list(S3.bucket(), RunKeys.wrangledRunPrefix(runId));
        assertTrue(keys.size() > 2, "several parts and rejected.csv: " + keys);
        assertTrue(keys.contains(RunKeys.rejectedKey(runId)));
        StringBuilder everything = new StringBuilder();
        for (String key : keys) {
            String text = read(key);
            everything.append(text);
            List<String> header =
                    Arrays.asList(text.substring(0, text.indexOf('\n')).split(","));
            for (String column : PERSONAL_DATA_COLUMNS) {
                assertFalse(header.contains(column), key + " has the personal data column " + column);
            }
            everything.append(String.join(
                    "\n", store.head(S3.bucket(), key).orElseThrow().metadata().values()));
        }
        // Values that are text only a person has (names, SSNs, contacts, addresses, staff names); numeric and date
        // quasi-identifiers (zip, coordinates, dob) look like feature values, so the query test covers them by name.
        Set<String> personalValues = new LinkedHashSet<>();
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT first_name, last_name, ssn, enrollment_created_by, email, home_phone,"
                                + " work_phone, prior_address FROM guests")) {
            while (rs.next()) {
                for (int i = 1; i <= 8; i++) {
                    String value = rs.getString(i);
                    if (value != null && !value.isBlank()) {
                        personalValues.add(value);
                    }
                }
            }
        }
        assertTrue(personalValues.size() > 3000, "the generated guests have personal data: " + personalValues.size());
        String written = everything.toString();
        for (String value : personalValues) {
            assertFalse(written.contains(value), "personal data '" + value + "' was written");
        }

        // The keys written are exactly the current guests', in key order: no exited guest appears.
        List<String> expectedKeys = new ArrayList<>();
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT personal_id || ',' || enroll_date FROM guests"
                        + " WHERE exit_date IS NULL AND enroll_date IS NOT NULL ORDER BY personal_id, enroll_date")) {
            while (rs.next()) {
                expectedKeys.add(rs.getString(1));
            }
        }
        List<String> writtenKeys = new ArrayList<>();
        for (String key : summary.parts()) {
            String[] lines = read(key).lines().toArray(String[]::new);
            for (int l = 1; l < lines.length; l++) {
                String[] fields = lines[l].split(",", 3);
                writtenKeys.add(fields[0] + "," + fields[1]);
            }
        }
        assertTrue(expectedKeys.size() > 100 && expectedKeys.size() < 1400, "some guests are current, some exited");
        assertEquals(expectedKeys, writtenKeys);
        assertEquals(expectedKeys.size(), summary.rows());
    }

    @Test
    void theQuerySelectsOnlyTheKeyAndTheSpecificationsColumns() {
        List<String> columns = new GuestFeatures(FeatureSpec.V1).inputColumns();
        String query = WrangleStep.currentGuestsQuery(GUESTS, columns);
        assertEquals(
                "SELECT \"personal_id\", \"enroll_date\"::date AS \"enroll_date\", \"case_members\"",
                query.substring(0, query.indexOf(", \"age_at_enrollment\"")));
        assertTrue(
                query.endsWith(
                        " FROM \"guests\" WHERE \"exit_date\" IS NULL ORDER BY \"personal_id\", \"enroll_date\""),
                query);
        assertTrue(query.contains("\"non-cash_benefit_count\""), "the hyphenated name is quoted");
        String selectList = query.substring("SELECT ".length(), query.indexOf(" FROM "));
        List<String> selected = Arrays.stream(selectList.split(", "))
                .map(item -> item.substring(1, item.indexOf('"', 1)))
                .toList();
        assertEquals(columns, selected);
        for (String column : PERSONAL_DATA_COLUMNS) {
            assertFalse(selected.contains(column), column);
        }
    }

    @Test
    void runningARunIdAgainRewritesTheSameBytes() throws Exception {
        try (Connection c = PG.connect()) {
            new GuestLoader(GuestGenerator.builder()
                            .seed(11)
                            .asOf(LocalDate.of(2026, 11, 23))
                            .currentShare(0.5)
                            .build())
                    .load(c, GUESTS, 400);
        }
        RunId runId = RunId.parse("20261123T101500Z-0104");
        WrangleStep.Summary first = step(50).run(runId);
        List<byte[]> firstBytes = new ArrayList<>();
        List<StoredObject> firstHeads = new ArrayList<>();
        for (String key : first.parts()) {
            firstBytes.add(readBytes(key));
            firstHeads.add(store.head(S3.bucket(), key).orElseThrow());
        }

        WrangleStep.Summary second = step(50).run(runId);

        assertTrue(first.parts().size() > 1);
        assertEquals(first.parts(), second.parts());
        assertEquals(first.rows(), second.rows());
        for (int p = 0; p < first.parts().size(); p++) {
            String key = first.parts().get(p);
            assertArrayEquals(firstBytes.get(p), readBytes(key), key);
            StoredObject head = store.head(S3.bucket(), key).orElseThrow();
            assertEquals(firstHeads.get(p).etag(), head.etag(), key);
            assertEquals(firstHeads.get(p).metadata(), head.metadata(), key);
        }
        assertEquals(first.parts(), store.list(S3.bucket(), RunKeys.wrangledRunPrefix(runId)));
    }

    @Test
    void noCurrentGuestsWritesNothingAndSaysSo() throws Exception {
        execute("INSERT INTO guests (personal_id, enroll_date, exit_date) VALUES (1, '2025-01-01', '2025-02-01')");
        RunId runId = RunId.parse("20261123T101500Z-0105");

        WrangleStep.Summary summary = step(100).run(runId);

        assertEquals(0, summary.rows());
        assertEquals(List.of(), summary.parts());
        assertEquals("no current guests: no parts written", summary.message());
        assertEquals(List.of(), store.list(S3.bucket(), RunKeys.wrangledRunPrefix(runId)));
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT step, part, rows, status, details->>'parts' FROM prediction_runs WHERE run_id = '"
                                + runId + "'")) {
            assertTrue(rs.next(), "the empty run is recorded");
            assertEquals("wrangle", rs.getString(1));
            assertEquals("", rs.getString(2));
            assertEquals(0, rs.getLong(3));
            assertEquals("done", rs.getString(4));
            assertEquals("0", rs.getString(5));
        }
    }

    @Test
    void aMissingOrMalformedKeyIsRejectedWithItsReasonAndNothingElse() throws Exception {
        // The intake app's table may not constrain the key: let personal_id be NULL or text.
        execute(
                "DROP INDEX guests_person_enrol_uk",
                "ALTER TABLE guests ALTER COLUMN personal_id DROP NOT NULL, ALTER COLUMN personal_id TYPE TEXT",
                "INSERT INTO guests (personal_id, enroll_date, exit_date, first_name, ssn, race) VALUES"
                        + " ('201', '2026-01-01', NULL, 'Kept', '900-22-0001', 'White'),"
                        + " ('202', NULL, NULL, 'Nodate', '900-22-0002', 'White'),"
                        + " (NULL, '2026-02-02', NULL, 'Noid', '900-22-0003', 'White'),"
                        + " ('A-17, \"x\"', '2026-03-03', NULL, 'Badid', '900-22-0004', 'White')");
        RunId runId = RunId.parse("20261123T101500Z-0106");

        WrangleStep.Summary summary = step(100).run(runId);

        assertEquals(1, summary.rows());
        assertEquals(3, summary.rejected());
        assertEquals(RunKeys.rejectedKey(runId), summary.rejectedKey());
        assertEquals(
                "wrangled 1 current guests into 1 part; 3 rejected for a missing or malformed key (see rejected.csv)",
                summary.message());
        // Text keys sort '201' < '202' < 'A-17...', NULL last: the row numbers are positions in that order.
        assertEquals(
                "row,personal_id,enroll_date,reason\n"
                        + "2,202,,enroll_date is missing\n"
                        + "3,\"A-17, \"\"x\"\"\",2026-03-03,\"personal_id 'A-17, \"\"x\"\"' is not an integer\"\n"
                        + "4,,2026-02-02,personal_id is missing\n",
                read(summary.rejectedKey()));
        assertEquals(
                "3",
                store.head(S3.bucket(), summary.rejectedKey())
                        .orElseThrow()
                        .metadata()
                        .get("rows"));
        String part = read(summary.parts().get(0));
        assertTrue(
                part.endsWith("\n201,2026-01-01," + ",".repeat(20)
                        + ",0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n"),
                part);
    }

    @Test
    void aFailedRunIsRecordedAndLeavesNoPart() throws Exception {
        execute(
                "ALTER TABLE guests DROP COLUMN household_type",
                "INSERT INTO guests (personal_id, enroll_date) VALUES (1, '2026-01-01')");
        RunId runId = RunId.parse("20261123T101500Z-0107");

        SQLException e = assertThrows(SQLException.class, () -> step(100).run(runId));

        assertTrue(e.getMessage().startsWith("reading the current guests failed: "), e.getMessage());
        assertTrue(e.getMessage().contains("household_type"), e.getMessage());
        assertEquals(List.of(), store.list(S3.bucket(), RunKeys.wrangledRunPrefix(runId)));
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT status, details->>'error' FROM prediction_runs WHERE run_id = '" + runId + "'")) {
            assertTrue(rs.next());
            assertEquals("failed", rs.getString(1));
            assertTrue(rs.getString(2).contains("household_type"), rs.getString(2));
        }
    }

    @Test
    void anUploadFailureStopsTheReadAndTheNextRunReadsOnTheSamePool() throws Exception {
        StringBuilder values = new StringBuilder();
        for (int id = 1; id <= 40; id++) {
            values.append(id == 1 ? "" : ", ").append("(").append(id).append(", '2026-02-01', NULL)");
        }
        execute("INSERT INTO guests (personal_id, enroll_date, exit_date) VALUES " + values);
        RunId failing = RunId.parse("20261123T101500Z-0109");
        WrangleStep intoNoBucket =
                new WrangleStep(database.dataSource(), GUESTS, store, "no-such-bucket-" + S3.bucket(), 2);

        RuntimeException e = assertThrows(RuntimeException.class, () -> intoNoBucket.run(failing));

        assertTrue(e.getMessage().contains("bucket"), e.getMessage());
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT status FROM prediction_runs WHERE run_id = '" + failing + "'")) {
            assertTrue(rs.next());
            assertEquals("failed", rs.getString(1));
        }
        // The COPY was cancelled cleanly: both pooled connections still serve whole runs.
        for (String suffix : List.of("0110", "0111")) {
            WrangleStep.Summary summary = step(100).run(RunId.parse("20261123T101500Z-" + suffix));
            assertEquals(40, summary.rows());
        }
    }

    @Test
    void aRunIsRecordedWithItsCounts() throws Exception {
        execute(
                "INSERT INTO guests (personal_id, enroll_date, exit_date, race) VALUES"
                        + " (1, '2026-01-01', NULL, 'Martian'), (2, '2026-01-02', NULL, 'White'), (3, '2026-01-03', NULL, 'White')");
        RunId runId = RunId.parse("20261123T101500Z-0108");

        step(2).run(runId);

        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT rows, status, details->>'parts', details->>'rejected',"
                        + " details->'unknownValues'->>'race', details->>'featureSpecVersion', finished_at >= started_at"
                        + " FROM prediction_runs WHERE run_id = '" + runId + "' AND step = 'wrangle' AND part = ''")) {
            assertTrue(rs.next());
            assertEquals(3, rs.getLong(1));
            assertEquals("done", rs.getString(2));
            assertEquals("2", rs.getString(3));
            assertEquals("0", rs.getString(4));
            assertEquals("1", rs.getString(5));
            assertEquals("v1", rs.getString(6));
            assertTrue(rs.getBoolean(7));
        }
    }

    @Test
    void readsPostgresqlCsvAsTheDriverReadsTheValues() throws Exception {
        // Text PostgreSQL must quote in CSV (commas, quotes, line breaks, a lone empty string) and non-ASCII text,
        // parsed from COPY and compared with what JDBC returns for the same rows.
        execute(
                "INSERT INTO guests (personal_id, enroll_date, exit_date, race, ethnicity, gender, relationship_to_hoh) VALUES"
                        + " (1, '2026-01-01', NULL, 'a,b', 'say \"hi\"', 'two\nlines', ''),"
                        + " (2, '2026-01-02', NULL, 'Zoë Müller', '\"', ',', NULL)");
        List<String> columns =
                List.of("personal_id", "enroll_date", "race", "ethnicity", "gender", "relationship_to_hoh");
        List<String[]> parsed = new ArrayList<>();
        CopyCsvParser parser = new CopyCsvParser(columns.size(), (row, number) -> parsed.add(row.clone()));
        try (Connection c = database.connection()) {
            c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyOut(
                            "COPY (SELECT personal_id, enroll_date, race, ethnicity, gender, relationship_to_hoh FROM guests ORDER BY 1)"
                                    + " TO STDOUT (FORMAT csv)",
                            new OutputStream() {
                                @Override
                                public void write(int b) {
                                    throw new UnsupportedOperationException();
                                }

                                @Override
                                public void write(byte[] b, int off, int len) throws IOException {
                                    parser.feed(b, off, len);
                                }
                            });
            parser.finish();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(
                            "SELECT personal_id, enroll_date, race, ethnicity, gender, relationship_to_hoh"
                                    + " FROM guests ORDER BY 1")) {
                int r = 0;
                while (rs.next()) {
                    String[] expected = new String[columns.size()];
                    for (int i = 0; i < expected.length; i++) {
                        expected[i] = rs.getString(i + 1);
                    }
                    assertArrayEquals(expected, parsed.get(r++));
                }
                assertEquals(2, r);
            }
        }
        assertEquals("", parsed.get(0)[5], "an empty string stays empty");
        assertNull(parsed.get(1)[5], "NULL stays NULL");
    }
}
