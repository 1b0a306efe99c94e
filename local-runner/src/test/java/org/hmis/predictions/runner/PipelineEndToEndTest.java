package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.update.UpdateDbStep;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The demo's path in-process, on real PostgreSQL and a real S3 API: the whole refresh, then the same again. */
class PipelineEndToEndTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    private static final int GUESTS = 2_000;
    /** Every column except the one the pipeline owns: a fingerprint of what the intake app keeps. */
    private static final String INTAKE_FINGERPRINT =
            "SELECT md5(string_agg(md5((to_jsonb(g) - 'predicted_exit_destination')::text), ''"
                    + " ORDER BY personal_id, enroll_date)) FROM guests g";

    private static PipelineConfig config;

    @BeforeAll
    static void loadGuests() throws Exception {
        config = PipelineConfig.from(LocalEndpoints.environment(
                PG.jdbcUrl(),
                PG.user(),
                PG.password(),
                S3.endpoint(),
                S3.region(),
                S3.accessKey(),
                S3.secretKey(),
                S3.bucket()));
        try (Connection c = PG.connect()) {
            GuestsTable.create(c, config.guestsTable());
            new GuestLoader(GuestGenerator.builder()
                            .seed(11)
                            .asOf(LocalDate.of(2026, 11, 1))
                            .build())
                    .load(c, config.guestsTable(), GUESTS);
        }
    }

    @Test
    void aRefreshPredictsEveryCurrentGuestMarksTheExitedAndChangesNothingElse() throws Exception {
        String intakeBefore = scalar(INTAKE_FINGERPRINT);
        try (LocalPipeline pipeline = new LocalPipeline(config)) {
            pipeline.migrate();
            ModelFiles.upload(
                    ModelFiles.readResource(DemoCommand.BUNDLED_MODEL),
                    pipeline.store(),
                    config.storage().inputBucket());

            LocalPipeline.Result first = pipeline.refresh(RunRequest.madeHere(RunId.parse("20261123T060000Z-0001")));
            long current = Long.parseLong(scalar("SELECT count(*) FROM guests WHERE exit_date IS NULL"));
            long exited = Long.parseLong(scalar("SELECT count(*) FROM guests WHERE exit_date IS NOT NULL"));
            assertTrue(current > 0 && exited > 0);
            assertEquals(current, first.wrangle().rows());
            assertEquals(current, first.predict().rows());
            assertEquals(
                    current,
                    first.update().parts().stream()
                            .mapToLong(UpdateDbStep.Summary::applied)
                            .sum());
            assertEquals(exited, first.remove().rowsMarked());

            assertEquals(
                    String.valueOf(current),
                    scalar("SELECT count(*) FROM guests WHERE exit_date IS NULL"
                            + " AND predicted_exit_destination IN ('es', 'other', 'perm', 'temp', 'unknown')"));
            assertEquals(
                    String.valueOf(exited),
                    scalar("SELECT count(*) FROM guests WHERE exit_date IS NOT NULL"
                            + " AND predicted_exit_destination = 'exited'"));
            assertEquals(intakeBefore, scalar(INTAKE_FINGERPRINT), "no column but the prediction changed");
            assertNoPersonalDataInTheBucket(pipeline);

            assertRankedWithReasons(current);
            String rankingAfterFirst = scalar(RANKING_FINGERPRINT);

            String predictionsAfterFirst = scalar(
                    "SELECT md5(string_agg(concat_ws('|', personal_id, enroll_date, predicted_exit_destination), ','"
                            + " ORDER BY personal_id, enroll_date)) FROM guests");
            LocalPipeline.Result second = pipeline.refresh(RunRequest.madeHere(RunId.parse("20261123T070000Z-0002")));
            assertEquals(0, second.remove().rowsMarked());
            assertEquals(
                    0,
                    second.update().parts().stream()
                            .mapToLong(UpdateDbStep.Summary::applied)
                            .sum(),
                    "the second run changes nothing");
            assertEquals(0, second.wrangle().rows(), "nothing changed, so no guest is predicted again");
            assertEquals(current, second.wrangle().carriedOver(), "every prediction is carried over");
            assertEquals(
                    predictionsAfterFirst,
                    scalar(
                            "SELECT md5(string_agg(concat_ws('|', personal_id, enroll_date, predicted_exit_destination), ','"
                                    + " ORDER BY personal_id, enroll_date)) FROM guests"));
            assertEquals(rankingAfterFirst, scalar(RANKING_FINGERPRINT), "risk, percentiles and reasons as they were");

            // The guest most at risk leaves; the next refresh's remove takes them out of the view, keeping the row.
            String leaving = scalar("SELECT personal_id FROM current_guest_risk LIMIT 1");
            execute("UPDATE guests SET exit_date = '2026-11-23', exit_destination = 'Staying or living with family,"
                    + " temporary tenure' WHERE personal_id = " + leaving + " AND exit_date IS NULL");
            LocalPipeline.Result third = pipeline.refresh(RunRequest.madeHere(RunId.parse("20261123T080000Z-0003")));
            assertTrue(third.remove().rowsMarked() >= 1);
            assertEquals("0", scalar("SELECT count(*) FROM current_guest_risk WHERE personal_id = " + leaving));
            assertEquals(
                    "exited",
                    scalar("SELECT DISTINCT predicted_exit_destination FROM guests WHERE personal_id = " + leaving));
            assertEquals(
                    "t",
                    scalar("SELECT count(*) > 0 FROM guest_predictions WHERE personal_id = " + leaving),
                    "the prediction made while the guest was current is kept");
            assertEquals(
                    "100.00", scalar("SELECT max(risk_percentile) FROM current_guest_risk"), "the next most at risk");
        }
    }

    /** Every view row with its risk, percentile and reasons: what a case worker sees. */
    private static final String RANKING_FINGERPRINT = "SELECT md5(string_agg(concat_ws('|', personal_id, enroll_date,"
            + " risk, risk_percentile, reasons), ',' ORDER BY personal_id, enroll_date)) FROM current_guest_risk";

    /**
     * The view holds every current guest once, ranked: percentiles up to 100, the riskiest first, reasons with texts;
     * the query of the households most at risk that docs/operations.md shows runs on it.
     */
    private static void assertRankedWithReasons(long current) throws Exception {
        assertEquals(String.valueOf(current), scalar("SELECT count(*) FROM current_guest_risk"));
        assertEquals("100.00", scalar("SELECT max(risk_percentile) FROM current_guest_risk"));
        assertEquals("0", scalar("SELECT count(*) FROM current_guest_risk WHERE risk_percentile IS NULL"));
        assertEquals(
                scalar("SELECT max(risk) FROM current_guest_risk"),
                scalar("SELECT risk FROM current_guest_risk LIMIT 1"),
                "ordered by risk, highest first");
        // The reasons explain the risk shown: its log-odds is the expected value plus every contribution.
        assertEquals(
                "0",
                scalar("SELECT count(*) FROM current_guest_risk WHERE abs((reasons ->> 'log_odds')::float8"
                        + " - ln(risk / (1 - risk))) > 1e-9"));
        assertEquals(
                "0",
                scalar("SELECT count(*) FROM current_guest_risk r WHERE abs((reasons ->> 'expected')::float8"
                        + " + (reasons ->> 'rest')::float8 + (SELECT coalesce(sum((x ->> 'contribution')::float8), 0)"
                        + " FROM jsonb_array_elements((reasons -> 'raises') || (reasons -> 'lowers')) x)"
                        + " - (reasons ->> 'log_odds')::float8) > 1e-9"));
        assertEquals(
                "0",
                scalar("SELECT count(*) FROM current_guest_risk WHERE reasons -> 'raises' IS NULL"
                        + " OR reasons -> 'lowers' IS NULL OR EXISTS (SELECT 1 FROM jsonb_array_elements("
                        + "(reasons -> 'raises') || (reasons -> 'lowers')) r WHERE r ->> 'text' IS NULL)"),
                "every guest is explained, each reason with its text");

        String operations = Files.readString(Path.of("..", "docs", "operations.md"));
        String query = HouseholdsAtRisk.QUERY.replace("LIMIT ?", "LIMIT 20");
        assertTrue(operations.contains(query), "docs/operations.md shows the query the runner runs:\n" + query);
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            int households = 0;
            double previous = Double.MAX_VALUE;
            Set<String> seen = new HashSet<>();
            while (rs.next()) {
                households++;
                assertTrue(rs.getDouble("risk") <= previous, "households by risk, highest first");
                previous = rs.getDouble("risk");
                Object[] members = (Object[]) rs.getArray("personal_ids").getArray();
                assertTrue(seen.add(Arrays.toString(members)), "each household once");
                assertEquals(rs.getInt("members"), members.length, "its members listed");
                assertTrue(rs.getBoolean("explained"), "with its reasons");
            }
            assertEquals(20, households);
        }
        assertEquals(
                "0",
                scalar("SELECT count(*) FROM current_household_risk h JOIN current_guest_risk g"
                        + " ON g.personal_id = ANY (h.personal_ids) WHERE g.risk_percentile <> h.risk_percentile"),
                "every member carries the household's percentile");
        assertEquals(
                String.valueOf(current),
                scalar("SELECT sum(members) FROM current_household_risk"),
                "every current guest in one household");
    }

    /** Neither the names of personal-data columns nor any guest's generated personal values reach S3. */
    private static void assertNoPersonalDataInTheBucket(LocalPipeline pipeline) throws Exception {
        List<String> forbidden = new ArrayList<>(List.of(
                "first_name",
                "last_name",
                "ssn",
                "dob",
                "email",
                "home_phone",
                "work_phone",
                "prior_address",
                "enrollment_created_by",
                "latitude",
                "longitude",
                "zip"));
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT first_name, last_name, ssn, email, home_phone, prior_address FROM guests")) {
            while (rs.next()) {
                for (int i = 1; i <= 6; i++) {
                    if (rs.getString(i) != null) {
                        forbidden.add(rs.getString(i));
                    }
                }
            }
        }
        List<String> keys = pipeline.store().list(S3.bucket(), "");
        assertTrue(keys.stream().anyMatch(k -> k.startsWith("wrangled/"))
                && keys.stream().anyMatch(k -> k.startsWith("predictions/")));
        for (String key : keys) {
            if (key.startsWith("models/")) {
                continue;
            }
            String content;
            try (InputStream in = pipeline.store().open(S3.bucket(), key)) {
                content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Set<String> header =
                    Set.of(content.substring(0, content.indexOf('\n')).split(","));
            for (String value : forbidden) {
                assertFalse(header.contains(value), key + " has the column " + value);
                if (value.length() > 6) {
                    assertFalse(content.contains(value), key + " holds the personal value " + value);
                }
            }
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String scalar(String sql) throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
