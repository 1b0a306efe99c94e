package org.hmis.predictions.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hmis.predictions.common.csv.PredictionsCsv;
import org.hmis.predictions.common.run.ObjectMetadata;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectUpload;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Risk, reasons and percentiles as update writes them, on real PostgreSQL and a real S3 API. */
class UpdateDbRiskTest {
    @RegisterExtension
    static final UpdateStepFixture FIXTURE = UpdateStepFixture.freshGuestsEachTest();

    static final TestPostgres PG = FIXTURE.pg();
    static final TestS3 S3 = FIXTURE.s3();

    static final RunId RUN = RunId.parse(GuestsFixture.RUNS.get(1));
    static final RunId NEWER = RunId.parse(GuestsFixture.RUNS.get(2));
    private static final String REASONS = "{\"log_odds\":0.5,\"expected\":0.1,\"raises\":[{\"fact\":\"income\","
            + "\"features\":[\"earned_income\"],\"contribution\":0.4,\"text\":\"no earned income at entry \\\\ "
            + "\\\"niño\\\"\"}],\"lowers\":[],\"rest\":0.0}";

    /** A part of version 2: each guest's key with its risk (p_perm is 1 - risk, the rest share what is left). */
    private static String part(Map<String, Double> riskByKey, String reasons) {
        StringWriter out = new StringWriter();
        PredictionsCsv.CsvWriter writer = new PredictionsCsv.CsvWriter(out);
        for (Map.Entry<String, Double> guest : riskByKey.entrySet()) {
            String[] key = guest.getKey().split("/", -1);
            double risk = guest.getValue();
            double[] p = {risk / 4, risk / 4, 1 - risk, risk / 4, risk / 4};
            int mostLikely = 0;
            for (int k = 1; k < p.length; k++) {
                mostLikely = p[k] > p[mostLikely] ? k : mostLikely;
            }
            writer.write(Integer.parseInt(key[0]), key[1], mostLikely, p, 0, reasons);
        }
        return out.toString();
    }

    private static UpdateDbStep.Summary apply(RunId run, int number, String content, String format)
            throws SQLException {
        String key = RunKeys.predictionsPart(run, number).key();
        try (ObjectUpload upload = FIXTURE.store().upload(S3.bucket(), key)) {
            upload.write(content.getBytes(StandardCharsets.UTF_8));
            Map<String, String> metadata = GuestsFixture.lineage(key, content);
            metadata.put(ObjectMetadata.MODEL, "exit-destination");
            if (format != null) {
                metadata.put(ObjectMetadata.PREDICTIONS_FORMAT, format);
            }
            upload.commit(metadata);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return FIXTURE.step().apply(new ObjectRef(S3.bucket(), key));
    }

    /** Each guest's risk, percentile and first reason's feature by "personalId/enrollDate". */
    private static Map<String, String> ranked() throws SQLException {
        Map<String, String> byKey = new LinkedHashMap<>();
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT personal_id, enroll_date, risk, risk_percentile,"
                        + " reasons -> 'raises' -> 0 ->> 'text' FROM guest_predictions ORDER BY personal_id")) {
            while (rs.next()) {
                BigDecimal percentile = rs.getBigDecimal(4);
                byKey.put(
                        rs.getInt(1) + "/" + rs.getString(2),
                        rs.getDouble(3) + " "
                                + (percentile == null
                                        ? "-"
                                        : percentile.stripTrailingZeros().toPlainString()) + " " + rs.getString(5));
            }
        }
        return byKey;
    }

    private static Map<String, Double> risks(Object... keyThenRisk) {
        Map<String, Double> risks = new LinkedHashMap<>();
        for (int i = 0; i < keyThenRisk.length; i += 2) {
            risks.put((String) keyThenRisk[i], (Double) keyThenRisk[i + 1]);
        }
        return risks;
    }

    @Test
    void percentilesRankOnlyCurrentGuestsAcrossPartsWithTiesOnceTheRunIsComplete() throws SQLException {
        try (Connection c = PG.connect()) {
            GuestsFixture.wrangled(c, RUN.value(), 2);
        }
        // Guest 7 exited after the wrangle: predicted, kept, but not ranked among the current guests.
        apply(RUN, 0, part(risks("1/2026-01-05", 0.875, "7/2026-04-01", 0.9375), REASONS), PredictionsCsv.V2);
        assertEquals("0.875 - no earned income at entry \\ \"niño\"", ranked().get("1/2026-01-05"), "not yet complete");

        UpdateDbStep.Summary last =
                apply(RUN, 1, part(risks("2/2026-02-01", 0.5, "4/2026-03-01", 0.5, "6/2026-01-10", 0.25), null), null);

        assertEquals("complete", last.runStatus());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("1/2026-01-05", "0.875 100 no earned income at entry \\ \"niño\"");
        expected.put("2/2026-02-01", "0.5 75 null");
        expected.put("4/2026-03-01", "0.5 75 null");
        expected.put("6/2026-01-10", "0.25 25 null");
        expected.put("7/2026-04-01", "0.9375 - no earned income at entry \\ \"niño\"");
        assertEquals(expected, ranked());
    }

    @Test
    void theLastPartRanksHouseholdsAndEveryMemberCarriesItsHouseholdsPercentile() throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            // Guests 1 and 6 are one household, 1 its head; 2 and 4 are households alone.
            st.execute("UPDATE guests SET case_id = 900, relationship_to_hoh = CASE personal_id WHEN 1 THEN 'Self'"
                    + " ELSE 'Child' END WHERE personal_id IN (1, 6)");
            GuestsFixture.wrangled(c, RUN.value(), 1);
        }

        UpdateDbStep.Summary last = apply(
                RUN,
                0,
                part(
                        risks("1/2026-01-05", 0.875, "2/2026-02-01", 0.5, "4/2026-03-01", 0.625, "6/2026-01-10", 0.25),
                        null),
                PredictionsCsv.V2);

        assertEquals("complete", last.runStatus());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("1/2026-01-05", "0.875 100 null");
        expected.put("2/2026-02-01", "0.5 33.33 null");
        expected.put("4/2026-03-01", "0.625 66.67 null");
        expected.put("6/2026-01-10", "0.25 100 null");
        assertEquals(expected, ranked(), "three households: the head's risk ranks the household of 1 and 6");
    }

    @Test
    void aRunThatChangesNothingRewritesNothingVisible() throws SQLException {
        Map<String, Double> everyone =
                risks("1/2026-01-05", 0.75, "2/2026-02-01", 0.25, "4/2026-03-01", 0.625, "6/2026-01-10", 0.125);
        try (Connection c = PG.connect()) {
            GuestsFixture.wrangled(c, RUN.value(), 1);
            GuestsFixture.wrangled(c, NEWER.value(), 1);
        }
        UpdateDbStep.Summary first = apply(RUN, 0, part(everyone, REASONS), PredictionsCsv.V2);
        Map<String, String> before = ranked();
        assertEquals(3, first.applied(), "guest 2 was perm already");

        UpdateDbStep.Summary again = apply(NEWER, 0, part(everyone, REASONS), PredictionsCsv.V2);

        assertEquals("complete", again.runStatus());
        assertEquals(0, again.applied(), "no guest's prediction changed");
        assertEquals(before, ranked(), "risk, percentile and reasons as they were");
    }

    @Test
    void aPartOfAVersionUpdateDoesNotKnowIsRefusedByNameAndNothingIsWritten() throws SQLException {
        String content = part(risks("1/2026-01-05", 0.9), REASONS);
        Exception e = assertThrows(Exception.class, () -> apply(RUN, 0, content, "v9"));
        assertTrue(e.getMessage().contains("is predictions format 'v9'"), e.getMessage());
        assertTrue(ranked().isEmpty());
    }

    @Test
    void aFirstVersionPartIsStillAppliedWithItsRiskAndNoReasons() throws SQLException {
        apply(RUN, 0, GuestsFixture.part("1,2026-01-05,es"), PredictionsCsv.V1);
        // GuestsFixture's probabilities: p_perm 0.1 beside the row's own class.
        assertEquals("0.9 - null", ranked().get("1/2026-01-05"));
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT reasons FROM guest_predictions")) {
            rs.next();
            assertNull(rs.getString(1));
        }
    }

    @Test
    void aLaterRunRewritesEachGuestsRowOnItsOwnPageSoTheKeyIndexIsNotWritten() throws SQLException {
        Map<String, Double> first = new LinkedHashMap<>();
        Map<String, Double> later = new LinkedHashMap<>();
        first.put("1/2026-01-05", 0.5);
        later.put("1/2026-01-05", 0.75);
        for (int id = 1000; id < 1600; id++) {
            first.put(id + "/2026-01-01", 0.25);
            later.put(id + "/2026-01-01", 0.625);
        }
        apply(RUN, 0, part(first, REASONS), PredictionsCsv.V2);
        Map<String, String> pagesBefore = pages();

        apply(NEWER, 0, part(later, REASONS), PredictionsCsv.V2);

        Map<String, String> pagesAfter = pages();
        assertTrue(
                pagesBefore.values().stream().distinct().count() > 10,
                "the rows span many pages: "
                        + pagesBefore.values().stream().distinct().count());
        assertEquals(pagesBefore.keySet(), pagesAfter.keySet());
        long moved = pagesBefore.entrySet().stream()
                .filter(row -> !row.getValue().equals(pagesAfter.get(row.getKey())))
                .count();
        assertEquals(0, moved, "rows whose new version is not on the page of the old one");
        assertEquals("0.625 - no earned income at entry \\ \"niño\"", ranked().get("1500/2026-01-01"));
    }

    /** The page each guest's row of the guest predictions table is on, by "personalId/enrollDate". */
    private static Map<String, String> pages() throws SQLException {
        Map<String, String> byKey = new LinkedHashMap<>();
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT personal_id, enroll_date, (ctid::text::point)[0]"
                        + " FROM guest_predictions ORDER BY personal_id")) {
            while (rs.next()) {
                byKey.put(rs.getInt(1) + "/" + rs.getString(2), rs.getString(3));
            }
        }
        return byKey;
    }
}
