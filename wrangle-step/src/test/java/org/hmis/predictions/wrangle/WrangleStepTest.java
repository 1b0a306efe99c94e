package org.hmis.predictions.wrangle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.config.StorageSettings;
import org.hmis.predictions.common.csv.WrangledCsv;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.common.db.RunRefusedException;
import org.hmis.predictions.common.features.FeatureQuery;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.features.GuestFeatures;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.run.RunManifest;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.common.s3.StoredObject;
import org.hmis.predictions.lambda.Deadline;
import org.hmis.predictions.lambda.trigger.RunRequest;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

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
        DeployedManifests.deploy(store, S3.bucket(), DeployedManifests.manifest(FeatureSpec.V1, null));
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS guests CASCADE");
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
                List.of(
                        RunKeys.runManifestKey(runId),
                        RunKeys.wrangledPart(runId, 0).key()),
                store.list(S3.bucket(), RunKeys.wrangledRunPrefix(runId)));
        RunManifest manifest = RunManifest.fromJson(read(RunKeys.runManifestKey(runId)));
        String partKey = RunKeys.wrangledPart(runId, 0).key();
        // Each part names the ETag S3 gave it: what a predictions part must name as its source.
        assertEquals(
                List.of(new RunManifest.Part(
                        partKey,
                        4,
                        store.head(S3.bucket(), partKey).orElseThrow().etag())),
                manifest.parts());
        assertEquals("v1", manifest.featureSpecVersion());
        assertEquals(4, manifest.rows());
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
        String query = FeatureQuery.currentGuests(GUESTS, FeatureSpec.V1);
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
    void aRunIdWhoseWrangleSucceededIsNotWrangledAgain() throws Exception {
        execute("INSERT INTO guests (personal_id, enroll_date, exit_date) VALUES (1, '2026-01-01', NULL)");
        RunId runId = RunId.parse("20261123T101500Z-0104");
        step(50).run(runId);
        RunRefusedException e = assertThrows(RunRefusedException.class, () -> step(50).run(runId));
        assertEquals(RunRefusedException.Reason.ALREADY_USED, e.reason());
        assertEquals("run " + runId + " was wrangled already (it is wrangled); ask for a new run", e.getMessage());
        // A schedule's second delivery of the same run is no error: there is nothing to do.
        WrangleStep.Summary again = step(50).run(new RunRequest(runId, RunRequest.Origin.SCHEDULE), Deadline.NONE);
        assertEquals(WrangleStep.NOTHING_TO_DO, again.status());
    }

    @Test
    void noCurrentGuestsWritesNothingAndSaysSo() throws Exception {
        execute("INSERT INTO guests (personal_id, enroll_date, exit_date) VALUES (1, '2025-01-01', '2025-02-01')");
        RunId runId = RunId.parse("20261123T101500Z-0105");

        WrangleStep.Summary summary = step(100).run(runId);

        assertEquals(0, summary.rows());
        assertEquals(List.of(), summary.parts());
        assertEquals("no current guests: no parts written", summary.message());
        assertEquals(List.of(RunKeys.runManifestKey(runId)), store.list(S3.bucket(), RunKeys.wrangledRunPrefix(runId)));
        assertEquals("complete", summary.status(), "a run without parts has nothing left to apply");
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT step, part, rows, status, parts FROM prediction_runs WHERE run_id = '" + runId + "'")) {
            assertTrue(rs.next(), "the empty run is recorded");
            assertEquals("wrangle", rs.getString(1));
            assertEquals("", rs.getString(2));
            assertEquals(0, rs.getLong(3));
            assertEquals("complete", rs.getString(4));
            assertEquals(0, rs.getInt(5));
        }
    }

    @Test
    void aMissingOrMalformedKeyIsRejectedWithItsReasonAndNothingElse() throws Exception {
        // The intake app's table may not constrain the key: let personal_id be NULL, and wider than the pipeline's.
        execute(
                "DROP INDEX guests_person_enrol_uk",
                "ALTER TABLE guests ALTER COLUMN personal_id DROP NOT NULL, ALTER COLUMN personal_id TYPE BIGINT",
                "INSERT INTO guests (personal_id, enroll_date, exit_date, first_name, ssn, race) VALUES"
                        + " (201, '2026-01-01', NULL, 'Kept', '900-22-0001', 'White'),"
                        + " (202, NULL, NULL, 'Nodate', '900-22-0002', 'White'),"
                        + " (NULL, '2026-02-02', NULL, 'Noid', '900-22-0003', 'White'),"
                        + " (99999999999, '2026-03-03', NULL, 'Bigid', '900-22-0004', 'White')");
        RunId runId = RunId.parse("20261123T101500Z-0106");

        WrangleStep.Summary summary = step(100).run(runId);

        assertEquals(1, summary.rows());
        assertEquals(3, summary.rejected());
        assertEquals(RunKeys.rejectedKey(runId), summary.rejectedKey());
        assertEquals(
                "wrangled 1 current guests into 1 part; 3 rejected for a missing, malformed or duplicate key"
                        + " (see rejected.csv)",
                summary.message());
        // Key order: 201, 202, 99999999999, NULL last: the row numbers are positions in that order.
        assertEquals("""
                row,personal_id,enroll_date,reason
                2,202,,enroll_date is missing
                3,99999999999,2026-03-03,personal_id '99999999999' is not an integer
                4,,2026-02-02,personal_id is missing
                """, read(summary.rejectedKey()));
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
    void keyColumnsOfAnotherTypeStopTheRunNamingColumnAndType() throws Exception {
        execute(
                "ALTER TABLE guests ALTER COLUMN personal_id TYPE TEXT",
                "INSERT INTO guests (personal_id, enroll_date) VALUES ('1', '2026-01-01')");
        RunId runId = RunId.parse("20261123T101500Z-0112");
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> step(100).run(runId));
        assertEquals(
                "column personal_id of public.guests is text; the pipeline reads it only as smallint, integer or bigint",
                e.getMessage());
        assertEquals("failed", runStatus(runId));
        assertEquals(List.of(), store.list(S3.bucket(), RunKeys.wrangledRunPrefix(runId)));

        execute(
                "ALTER TABLE guests ALTER COLUMN personal_id TYPE INTEGER USING personal_id::integer",
                "ALTER TABLE guests ALTER COLUMN enroll_date TYPE TEXT");
        RunId second = RunId.parse("20261123T101500Z-0113");
        e = assertThrows(IllegalStateException.class, () -> step(100).run(second));
        assertEquals(
                "column enroll_date of public.guests is text; the pipeline reads it only as date, timestamp without"
                        + " time zone or timestamp with time zone",
                e.getMessage());
    }

    @Test
    void everyCopyOfADuplicateKeyIsRejectedAndThePartKeepsTheOthers() throws Exception {
        execute(
                "DROP INDEX guests_person_enrol_uk",
                "INSERT INTO guests (personal_id, enroll_date, exit_date, race) VALUES"
                        + " (1, '2026-01-01', NULL, 'White'), (2, '2026-01-02', NULL, 'White'),"
                        + " (2, '2026-01-02', NULL, 'Asian'), (3, '2026-01-03', NULL, 'White'),"
                        + " (2, '2026-01-02', NULL, NULL), (4, '2026-01-04', NULL, 'White'),"
                        + " (4, '2026-01-05', NULL, 'White')");
        RunId runId = RunId.parse("20261123T101500Z-0114");

        WrangleStep.Summary summary = step(2).run(runId);

        assertEquals(4, summary.rows(), "guests 1, 3 and both enrolments of 4");
        assertEquals(3, summary.rejected());
        assertEquals(3, summary.duplicateKeys());
        List<String> rejectedLines = read(summary.rejectedKey()).lines().skip(1).toList();
        assertEquals(3, rejectedLines.size());
        for (String line : rejectedLines) {
            assertTrue(line.endsWith(",2,2026-01-02,duplicate key"), line);
        }
        List<String> keys = new ArrayList<>();
        for (String key : summary.parts()) {
            read(key)
                    .lines()
                    .skip(1)
                    .forEach(line -> keys.add(line.substring(0, line.indexOf(',', line.indexOf(',') + 1))));
        }
        assertEquals(List.of("1,2026-01-01", "3,2026-01-03", "4,2026-01-04", "4,2026-01-05"), keys);
    }

    @Test
    void aTimestampKeyIsItsDateInUtcWhateverTheSessionsTimeZone() throws Exception {
        execute(
                "ALTER DATABASE " + PG.database() + " SET timezone = 'America/Los_Angeles'",
                "ALTER TABLE guests ALTER COLUMN enroll_date TYPE TIMESTAMPTZ",
                "INSERT INTO guests (personal_id, enroll_date) VALUES"
                        + " (1, '2026-01-05 23:30:00-08'), (2, '2026-01-05 08:00:00+00')");
        try {
            // The pool's sessions start in Los Angeles time, where guest 1 enrolled on the 5th; in UTC it is the 6th.
            WrangleStep zonedStep = new WrangleStep(PG.dataSource(), GUESTS, store, S3.bucket(), 100);
            WrangleStep.Summary zoned = zonedStep.run(RunId.parse("20261123T101500Z-0115"));
            assertEquals(
                    List.of("1,2026-01-06", "2,2026-01-05"),
                    read(zoned.parts().get(0))
                            .lines()
                            .skip(1)
                            .map(l -> l.substring(0, 12))
                            .toList());

            execute("ALTER TABLE guests ALTER COLUMN enroll_date TYPE TIMESTAMP USING enroll_date AT TIME ZONE 'UTC'");
            WrangleStep.Summary plain = zonedStep.run(RunId.parse("20261123T101500Z-0116"));
            assertEquals(
                    List.of("1,2026-01-06", "2,2026-01-05"),
                    read(plain.parts().get(0))
                            .lines()
                            .skip(1)
                            .map(l -> l.substring(0, 12))
                            .toList());
        } finally {
            execute("ALTER DATABASE " + PG.database() + " RESET timezone");
        }
    }

    private static String runStatus(RunId runId) throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT status FROM prediction_runs WHERE run_id = '" + runId
                        + "' AND step = 'wrangle' AND part = ''")) {
            return rs.next() ? rs.getString(1) : null;
        }
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
        try (ObjectStore failingStore = failingAtPartUpload(1)) {
            WrangleStep intoFailingUploads =
                    new WrangleStep(database.dataSource(), GUESTS, failingStore, S3.bucket(), 2);
            RuntimeException e = assertThrows(RuntimeException.class, () -> intoFailingUploads.run(failing));
            assertTrue(e.getMessage().contains("connection reset while uploading"), e.getMessage());
        }
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
                ResultSet rs = st.executeQuery("SELECT rows, status, parts, details->>'rejected',"
                        + " details->'unknownValues'->>'race', details->>'featureSpecVersion', finished_at >= started_at"
                        + " FROM prediction_runs WHERE run_id = '" + runId + "' AND step = 'wrangle' AND part = ''")) {
            assertTrue(rs.next());
            assertEquals(3, rs.getLong(1));
            assertEquals("wrangled", rs.getString(2));
            assertEquals(2, rs.getInt(3));
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

    /** An object store on the test server whose {@code failAt}-th part upload (counting from 1) fails. */
    private static ObjectStore failingAtPartUpload(int failAt) {
        AtomicInteger uploads = new AtomicInteger();
        ExecutionInterceptor failSecond = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutObjectRequest put
                        && put.key().contains("/part-")
                        && uploads.incrementAndGet() == failAt) {
                    throw SdkClientException.create("connection reset while uploading " + put.key());
                }
            }
        };
        return new ObjectStore(S3Client.builder()
                .endpointOverride(S3.endpoint())
                .forcePathStyle(true)
                .region(Region.of(S3.region()))
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(S3.accessKey(), S3.secretKey())))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.addExecutionInterceptor(failSecond))
                .build());
    }

    private static void insertGuests(int count) throws SQLException {
        execute("INSERT INTO guests (personal_id, enroll_date, exit_date) SELECT i, DATE '2026-01-01', NULL"
                + " FROM generate_series(1, " + count + ") i");
    }

    @Test
    void aWrangleWhoseSecondUploadFailsIsRecordedFailedWithoutAManifest() throws Exception {
        insertGuests(10);
        RunId runId = RunId.parse("20261123T101500Z-0120");
        try (ObjectStore failing = failingAtPartUpload(2)) {
            WrangleStep step = new WrangleStep(database.dataSource(), GUESTS, failing, S3.bucket(), 4);
            RuntimeException e = assertThrows(RuntimeException.class, () -> step.run(runId));
            assertTrue(e.getMessage().contains("connection reset while uploading"), e.getMessage());
        }
        assertEquals("failed", runStatus(runId));
        assertTrue(runError(runId).contains("connection reset while uploading"), runError(runId));
        List<String> left = store.list(S3.bucket(), RunKeys.wrangledRunPrefix(runId));
        assertFalse(left.contains(RunKeys.runManifestKey(runId)), "no manifest: the run is not wrangled");
        assertFalse(left.contains(RunKeys.wrangledPart(runId, 1).key()), "the failed upload left nothing");
    }

    @Test
    void aFailedRunStartedAgainAfterThePopulationShrankLeavesNoPartOfItsEarlierAttempt() throws Exception {
        insertGuests(10);
        RunId runId = RunId.parse("20261123T101500Z-0121");
        try (ObjectStore failing = failingAtPartUpload(3)) {
            WrangleStep step = new WrangleStep(database.dataSource(), GUESTS, failing, S3.bucket(), 4);
            assertThrows(RuntimeException.class, () -> step.run(runId));
        }
        assertEquals(
                List.of(
                        RunKeys.wrangledPart(runId, 0).key(),
                        RunKeys.wrangledPart(runId, 1).key()),
                store.list(S3.bucket(), RunKeys.wrangledRunPrefix(runId)));
        // predict had already turned the second part into predictions.
        store.putBytes(
                S3.bucket(),
                RunKeys.predictionsPart(runId, 1).key(),
                "personal_id\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "text/csv",
                Map.of());
        execute("DELETE FROM guests WHERE personal_id > 3");

        WrangleStep.Summary rerun = step(4).run(runId);

        assertEquals(3, rerun.rows());
        assertEquals(List.of(RunKeys.wrangledPart(runId, 0).key()), rerun.parts());
        assertEquals(
                List.of(
                        RunKeys.runManifestKey(runId),
                        RunKeys.wrangledPart(runId, 0).key()),
                store.list(S3.bucket(), RunKeys.wrangledRunPrefix(runId)),
                "no higher-numbered part of the earlier attempt is left for predict or run --run-id");
        assertEquals(List.of(), store.list(S3.bucket(), RunKeys.predictionsRunPrefix(runId)));
        assertEquals("wrangled", runStatus(runId));
    }

    @Test
    void aWrangleWithNoTimeLeftStopsAndIsRecordedFailed() throws Exception {
        insertGuests(10);
        RunId runId = RunId.parse("20261123T101500Z-0122");
        Deadline spent = Deadline.after(java.time.Duration.ofMillis(500), java.time.Duration.ofMillis(500));
        org.hmis.predictions.lambda.OutOfTimeException e = assertThrows(
                org.hmis.predictions.lambda.OutOfTimeException.class,
                () -> step(4).run(RunRequest.madeHere(runId), spent));
        assertTrue(e.getMessage().startsWith("wrangling run " + runId + ": out of time"), e.getMessage());
        assertEquals("failed", runStatus(runId));
        assertTrue(runError(runId).contains("out of time"), runError(runId));
        assertEquals(List.of(), store.list(S3.bucket(), RunKeys.wrangledRunPrefix(runId)));
    }

    @Test
    void aWrangleThatWaitsOnALockPastItsTimeStopsAndTheServerStopsWithIt() throws Exception {
        insertGuests(10);
        RunId runId = RunId.parse("20261123T101500Z-0123");
        try (Connection holder = PG.connect();
                Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            st.execute("LOCK TABLE guests IN ACCESS EXCLUSIVE MODE");
            long started = System.nanoTime();
            Deadline twoSeconds = Deadline.after(java.time.Duration.ofSeconds(3), java.time.Duration.ofSeconds(1));
            SQLException e =
                    assertThrows(SQLException.class, () -> step(4).run(RunRequest.madeHere(runId), twoSeconds));
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(e.getMessage().startsWith("reading the current guests ran out of time"), e.getMessage());
            assertTrue(tookMs < 3_000, "stopped within the invocation's time, took " + tookMs + " ms");
            try (ResultSet rs =
                    st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                            + " AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE 'COPY%'")) {
                rs.next();
                assertEquals(0, rs.getLong(1), "the server stopped the read too");
            }
            holder.rollback();
        }
        assertEquals("failed", runStatus(runId));
    }

    private static String runError(RunId runId) throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT details->>'error' FROM prediction_runs WHERE run_id = '" + runId
                        + "' AND step = 'wrangle' AND part = ''")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void aRunBeingWrangledIsNotWrangledAgainAtTheSameTime() throws Exception {
        insertGuests(10);
        RunId runId = RunId.parse("20261123T101500Z-0124");
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Connection holder = PG.connect();
                Statement st = holder.createStatement()) {
            // The first wrangle waits to read the guests, holding its run.
            holder.setAutoCommit(false);
            st.execute("LOCK TABLE guests IN ACCESS EXCLUSIVE MODE");
            Future<WrangleStep.Summary> first = thread.submit(() -> step(4).run(runId));
            long deadline = System.currentTimeMillis() + 30_000;
            while (!"started".equals(runStatus(runId)) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            RunRefusedException second = assertThrows(RunRefusedException.class, () -> step(4).run(runId));
            assertEquals(RunRefusedException.Reason.IN_PROGRESS, second.reason());
            WrangleStep.Summary scheduled =
                    step(4).run(new RunRequest(runId, RunRequest.Origin.SCHEDULE), Deadline.NONE);
            assertEquals(WrangleStep.NOTHING_TO_DO, scheduled.status());
            holder.rollback();
            assertEquals(10, first.get(30, TimeUnit.SECONDS).rows());
        } finally {
            thread.shutdownNow();
        }
        assertEquals("wrangled", runStatus(runId));
    }

    @Test
    void aRunWhoseWrangleDiedWithoutAWordIsStartedAgain() throws Exception {
        insertGuests(3);
        RunId runId = RunId.parse("20261123T101500Z-0125");
        execute("INSERT INTO prediction_runs (run_id, step, part, started_at, rows, status)" + " VALUES ('" + runId
                + "', 'wrangle', '', now() - interval '20 minutes', 0, 'started')");
        WrangleStep.Summary summary = step(4).run(runId);
        assertEquals(3, summary.rows());
        assertEquals("wrangled", runStatus(runId));
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT details->>'attempt', details->>'previous' FROM prediction_runs"
                        + " WHERE run_id = '" + runId + "' AND step = 'wrangle'")) {
            assertTrue(rs.next());
            assertEquals("2", rs.getString(1));
            assertEquals("started", rs.getString(2));
        }
    }

    @Test
    void aV2ModelsManifestGetsItsPartsInV2() throws Exception {
        DeployedManifests.deploy(store, S3.bucket(), DeployedManifests.manifest(FeatureSpec.V2, null));
        insertGuests(3);
        RunId runId = RunId.parse("20261123T101500Z-0201");

        WrangleStep.Summary summary = step(10).run(runId);

        assertEquals("v2", summary.featureSpecVersion());
        String part = read(RunKeys.wrangledPart(runId, 0).key());
        assertEquals(
                String.join(",", WrangledCsv.header(FeatureSpec.V2.featureNames())),
                part.lines().findFirst().orElseThrow());
        assertFalse(part.lines().findFirst().orElseThrow().contains("is_white"), "no protected attribute in v2");
        assertEquals(
                "v2",
                store.head(S3.bucket(), RunKeys.wrangledPart(runId, 0).key())
                        .orElseThrow()
                        .metadata()
                        .get("feature-spec-version"));
        assertEquals(
                "v2", RunManifest.fromJson(read(RunKeys.runManifestKey(runId))).featureSpecVersion());
    }

    @Test
    void withNoModelTheRunIsRefusedNamingTheManifestAndRecordedFailed() throws Exception {
        store.delete(S3.bucket(), RunKeys.manifestKey("exit-destination"));
        insertGuests(3);
        RunId runId = RunId.parse("20261123T101500Z-0202");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> step(10).run(runId));

        String where = "s3://" + S3.bucket() + "/models/exit-destination/model.json";
        assertTrue(e.getMessage().contains(where + " does not exist"), e.getMessage());
        assertEquals("failed", runStatus(runId));
        assertTrue(runError(runId).contains(where), runError(runId));
        assertEquals(List.of(), store.list(S3.bucket(), RunKeys.wrangledRunPrefix(runId)), "nothing written");
    }

    @Test
    void eachFeaturesDriftIsMeasuredAgainstTheBaselineAndRecordedWithTheRun() throws Exception {
        DeployedManifests.deploy(
                store,
                S3.bucket(),
                DeployedManifests.manifest(FeatureSpec.V1, DeployedManifests.halfSmallHouseholds(FeatureSpec.V1)));
        // Three of four households of at most 2 against half in training; every other feature as in training.
        // A guest who has left is not counted. Four households are too few to tell a shift from chance.
        execute("INSERT INTO guests (personal_id, enroll_date, exit_date, case_members) VALUES"
                + " (1, '2026-01-01', NULL, 1), (2, '2026-01-01', NULL, 2), (3, '2026-01-01', NULL, 1),"
                + " (4, '2026-01-01', NULL, 3), (5, '2026-01-01', '2026-02-01', 9)");
        RunId runId = RunId.parse("20261123T101500Z-0203");

        WrangleStep.Summary summary = step(2).run(runId);

        assertEquals(4, summary.rows());
        assertTrue(summary.maxFeaturePsi() > 0, "case_members is measured off the baseline");
        assertEquals(List.of(), summary.driftedFeatures(), "four households are too few to call a shift");
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT (details->'drift'->>'maxFeaturePsi')::float8,"
                        + " (details->'drift'->'psi'->>'case_members')::float8,"
                        + " (SELECT count(*) FROM jsonb_each(details->'drift'->'psi')),"
                        + " (SELECT max(value::text::float8) FROM jsonb_each(details->'drift'->'psi')"
                        + " WHERE key <> 'case_members'), (details->'drift'->>'rows')::int,"
                        + " (details->'drift'->>'households')::float8,"
                        + " details->'drift'->'sample'->'counts'->'case_members'"
                        + " FROM prediction_runs WHERE run_id = '" + runId + "' AND step = 'wrangle' AND part = ''")) {
            assertTrue(rs.next());
            assertEquals(summary.maxFeaturePsi(), rs.getDouble(1), 1e-12);
            assertEquals(summary.maxFeaturePsi(), rs.getDouble(2), 1e-12);
            assertEquals(FeatureSpec.V1.size(), rs.getInt(3), "every feature's PSI");
            assertTrue(rs.getDouble(4) < 1e-3, "features distributed as in training barely move: " + rs.getDouble(4));
            assertEquals(4, rs.getInt(5));
            assertEquals(4, rs.getDouble(6), 1e-12, "no guest shares a case: four households of one");
            assertEquals("[3.0, 1.0, 0.0]", rs.getString(7));
        }
    }

    @Test
    void aShiftAmongTwoHundredHouseholdsIsCalledAndLogged() throws Exception {
        DeployedManifests.deploy(
                store,
                S3.bucket(),
                DeployedManifests.manifest(FeatureSpec.V1, DeployedManifests.halfSmallHouseholds(FeatureSpec.V1)));
        // Every household of one against half above 2 in training.
        execute("INSERT INTO guests (personal_id, enroll_date, exit_date, case_members) SELECT i, DATE '2026-01-01',"
                + " NULL, 1 FROM generate_series(1, 200) i");

        WrangleStep.Summary summary = step(1000).run(RunId.parse("20261123T101500Z-0205"));

        assertEquals(List.of("case_members"), summary.driftedFeatures());
    }

    @Test
    void underAHouseholdSpecificationEachHouseholdCountsOnce() throws Exception {
        DeployedManifests.deploy(
                store,
                S3.bucket(),
                DeployedManifests.manifest(FeatureSpec.V3, DeployedManifests.halfSmallHouseholds(FeatureSpec.V3)));
        // A household of three whose members' keys are not adjacent, and one guest alone.
        execute("INSERT INTO guests (personal_id, enroll_date, exit_date, case_id) VALUES"
                + " (1, '2026-01-01', NULL, 7), (2, '2026-01-01', NULL, NULL), (3, '2026-01-01', NULL, 7),"
                + " (4, '2026-01-01', NULL, 7)");
        RunId runId = RunId.parse("20261123T101500Z-0206");

        WrangleStep.Summary summary = step(10).run(runId);

        assertEquals(4, summary.rows());
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT (details->'drift'->>'households')::float8,"
                        + " (details->'drift'->'sample'->'counts'->'household_members'->>0)::float8,"
                        + " jsonb_array_length(details->'drift'->'sample'->'counts'->'household_members')"
                        + " FROM prediction_runs WHERE run_id = '" + runId + "' AND step = 'wrangle' AND part = ''")) {
            assertTrue(rs.next());
            assertEquals(2, rs.getDouble(1), 1e-12);
            // The baseline's household_members is one bin and missing: both households are in the bin, once each.
            assertEquals(2, rs.getDouble(2), 1e-12, "two households, not four guests");
            assertEquals(2, rs.getInt(3));
        }
    }

    @Test
    void pooledNightsAddTheLatestEarlierNightsOfTheSameBaseline() throws Exception {
        DeployedManifests.deploy(
                store,
                S3.bucket(),
                DeployedManifests.manifest(FeatureSpec.V1, DeployedManifests.halfSmallHouseholds(FeatureSpec.V1)));
        insertGuests(3);
        WrangleStep pooling = new WrangleStep(
                database.dataSource(),
                GUESTS,
                SqlIdentifier.of(PipelineConfig.DEFAULT_GUEST_PREDICTIONS_TABLE),
                store,
                S3.bucket(),
                S3.bucket(),
                PipelineConfig.DEFAULT_MODEL_NAME,
                10,
                7);
        RunId yesterday = RunId.parse("20261122T101500Z-0207");
        pooling.run(yesterday);
        execute("UPDATE prediction_runs SET started_at = started_at - interval '1 day' WHERE run_id = '" + yesterday
                + "'");
        insertGuestsFrom(4, 3);
        RunId today = RunId.parse("20261123T101500Z-0208");

        pooling.run(today);

        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT (details->'drift'->>'nights')::int,"
                        + " (details->'drift'->>'households')::float8, (details->'drift'->>'testedHouseholds')::float8"
                        + " FROM prediction_runs WHERE run_id = '" + today + "' AND step = 'wrangle' AND part = ''")) {
            assertTrue(rs.next());
            assertEquals(2, rs.getInt(1), "yesterday's night pooled with tonight's");
            assertEquals(6, rs.getDouble(2), 1e-12, "tonight's own households");
            assertEquals(6, rs.getDouble(3), 1e-12, "pooled, as many as the largest night");
        }
    }

    private static void insertGuestsFrom(int first, int count) throws SQLException {
        execute("INSERT INTO guests (personal_id, enroll_date, exit_date) SELECT i, DATE '2026-01-01', NULL"
                + " FROM generate_series(" + first + ", " + (first + count - 1) + ") i");
    }

    @Test
    void aModelWithoutADriftBaselineGetsNoDrift() throws Exception {
        insertGuests(3);
        RunId runId = RunId.parse("20261123T101500Z-0204");

        WrangleStep.Summary summary = step(10).run(runId);

        assertNull(summary.maxFeaturePsi());
        assertEquals(List.of(), summary.driftedFeatures());
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT details->'drift' IS NOT NULL FROM prediction_runs WHERE run_id = '"
                                + runId + "' AND step = 'wrangle' AND part = ''")) {
            assertTrue(rs.next());
            assertFalse(rs.getBoolean(1));
        }
    }
}
