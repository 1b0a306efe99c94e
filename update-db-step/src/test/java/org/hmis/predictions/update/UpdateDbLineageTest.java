package org.hmis.predictions.update;

import static org.hmis.predictions.update.GuestsFixture.part;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.db.RunLedger;
import org.hmis.predictions.common.run.ObjectMetadata;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.run.RunManifest;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A predictions part proves it is whole and belongs to its run: it names the wrangled part it came from, that part's
 * ETag and rows; update refuses a part that does not hold its rows, names another run's part, or differs from what
 * the run's manifest lists, and a run is complete only when every part of its manifest was applied with every row.
 * Any change to a complete run's predictions ranks it again.
 */
class UpdateDbLineageTest {
    @RegisterExtension
    static final UpdateStepFixture FIXTURE = UpdateStepFixture.freshGuestsEachTest();

    static final TestPostgres PG = FIXTURE.pg();
    static final TestS3 S3 = FIXTURE.s3();

    static final RunId RUN = RunId.parse("20261123T101500Z-3f9a");
    static final RunId OTHER = RunId.parse("20261124T101500Z-0b0b");
    private static final RunLedger LEDGER = new RunLedger(GuestsFixture.TABLE, GuestsFixture.PREDICTIONS);

    /** Two current guests, the first less at risk than the second (perm: risk 0.4; es: risk 0.9). */
    private static final String TWO = part("1,2026-01-05,perm", "4,2026-03-01,es");

    private static String key(int number) {
        return RunKeys.predictionsPart(RUN, number).key();
    }

    private static UpdateDbStep.Summary apply(int number, String content, Map<String, String> metadata)
            throws SQLException {
        GuestsFixture.putWithMetadata(FIXTURE.store(), S3.bucket(), key(number), content, metadata);
        return FIXTURE.step().apply(new ObjectRef(S3.bucket(), key(number)));
    }

    private static Map<String, String> lineage(int number, String content) {
        return new HashMap<>(GuestsFixture.lineage(key(number), content));
    }

    /** Records the run's manifest as wrangle does: its parts with their rows and ETags. */
    private static String wrangled(RunManifest.Part... parts) throws SQLException {
        long rows = 0;
        for (RunManifest.Part p : parts) {
            rows += p.rows();
        }
        try (Connection c = PG.connect()) {
            return LEDGER.wrangled(c, RUN, parts.length, rows, Map.of(RunLedger.MANIFEST_PARTS, List.of(parts)));
        }
    }

    private static RunManifest.Part listed(int number, long rows, String etag) {
        return new RunManifest.Part(RunKeys.wrangledPart(RUN, number).key(), rows, etag);
    }

    private static String refused(int number, String content, Map<String, String> metadata) throws SQLException {
        List<String> before;
        try (Connection c = PG.connect()) {
            before = GuestsFixture.snapshot(c);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> apply(number, content, metadata));
        try (Connection c = PG.connect()) {
            assertEquals(before, GuestsFixture.snapshot(c), "a refused part changes nothing");
        }
        assertTrue(e.getMessage().startsWith("s3://" + S3.bucket() + "/" + key(number) + " "), e.getMessage());
        return e.getMessage();
    }

    private static String runStatus() throws SQLException {
        try (Connection c = PG.connect()) {
            return LEDGER.run(c, RUN).orElseThrow().status();
        }
    }

    private static String runError() throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT details ->> 'error' FROM prediction_runs WHERE run_id = '" + RUN
                        + "' AND step = 'wrangle' AND part = ''")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Map<String, Double> percentiles() throws SQLException {
        Map<String, Double> byKey = new HashMap<>();
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT personal_id, enroll_date, risk_percentile FROM guest_predictions")) {
            while (rs.next()) {
                byKey.put(rs.getInt(1) + "/" + rs.getString(2), rs.getDouble(3));
            }
        }
        return byKey;
    }

    @Test
    void aPartCutAtALineBoundaryIsRefused() throws SQLException {
        String whole = part("1,2026-01-05,perm", "4,2026-03-01,es", "6,2026-01-10,temp", "2,2026-02-01,perm");
        Map<String, String> metadata = lineage(0, whole);
        String cut = part("1,2026-01-05,perm", "4,2026-03-01,es");
        assertTrue(refused(0, cut, metadata).contains("holds 2 rows, but its metadata says rows 4 and source-rows 4"));
    }

    @Test
    void aPartThatNamesNoSourceOrAnotherRunsIsRefused() throws SQLException {
        Map<String, String> none = lineage(0, TWO);
        none.remove(ObjectMetadata.SOURCE_PART);
        assertTrue(refused(0, TWO, none).contains("has no metadata source-part"));

        Map<String, String> another = lineage(0, TWO);
        another.put(ObjectMetadata.SOURCE_PART, RunKeys.wrangledPart(OTHER, 0).key());
        assertTrue(refused(0, TWO, another)
                .contains("was predicted from " + RunKeys.wrangledPart(OTHER, 0).key()));
    }

    @Test
    void aPartTheManifestDoesNotListOrListsOtherwiseIsRefusedByName() throws SQLException {
        assertEquals(RunLedger.WRANGLED, wrangled(listed(0, 2, GuestsFixture.WRANGLED_ETAG)));

        assertTrue(refused(1, TWO, lineage(1, TWO)).contains("is part 1 of run " + RUN + ", whose manifest lists 1"));

        Map<String, String> changed = lineage(0, TWO);
        changed.put(ObjectMetadata.SOURCE_ETAG, "an-earlier-attempt");
        assertTrue(refused(0, TWO, changed).contains("the wrangled part changed since"));

        String three = part("1,2026-01-05,perm", "4,2026-03-01,es", "6,2026-01-10,temp");
        assertTrue(refused(0, three, lineage(0, three)).contains("holds 3 rows, but the run's manifest lists 2"));

        UpdateDbStep.Summary good = apply(0, TWO, lineage(0, TWO));
        assertEquals(RunLedger.COMPLETE, good.runStatus(), "every row of the manifest is accounted for");
    }

    @Test
    void aPartAppliedBeforeTheManifestIsHeldToItWhenTheRunCompletes() throws SQLException {
        Map<String, String> stale = lineage(0, TWO);
        stale.put(ObjectMetadata.SOURCE_ETAG, "an-earlier-attempt");
        assertEquals(RunLedger.STARTED, apply(0, TWO, stale).runStatus(), "no manifest yet: applied, held to it later");

        assertEquals(RunLedger.FAILED, wrangled(listed(0, 2, GuestsFixture.WRANGLED_ETAG)));
        assertEquals(RunLedger.FAILED, runStatus());
        assertTrue(runError().contains(key(0) + " was predicted from"), runError());
        assertTrue(runError().contains("the wrangled part changed since"), runError());
    }

    @Test
    void aPartTheManifestNeverListedFailsTheRunWhenItCompletes() throws SQLException {
        String one = part("6,2026-01-10,temp");
        apply(0, TWO, lineage(0, TWO));
        apply(1, one, lineage(1, one));

        assertEquals(RunLedger.FAILED, wrangled(listed(0, 2, GuestsFixture.WRANGLED_ETAG)));
        assertTrue(runError().contains(key(1) + " was applied, but the run's manifest lists 1 parts"), runError());
    }

    @Test
    void aCompleteRunsPartAppliedAgainWithNewContentRanksTheRunAgain() throws SQLException {
        wrangled(listed(0, 2, GuestsFixture.WRANGLED_ETAG));
        assertEquals(RunLedger.COMPLETE, apply(0, TWO, lineage(0, TWO)).runStatus());
        assertEquals(Map.of("1/2026-01-05", 50.0, "4/2026-03-01", 100.0), percentiles());

        // Predicted again (a model changed): the first guest is now the one most at risk.
        String again = part("1,2026-01-05,es", "4,2026-03-01,perm");
        UpdateDbStep.Summary summary = apply(0, again, lineage(0, again));
        assertEquals(UpdateDbStep.APPLIED, summary.status());
        assertEquals(RunLedger.COMPLETE, summary.runStatus());
        assertEquals(Map.of("1/2026-01-05", 100.0, "4/2026-03-01", 50.0), percentiles());
    }
}
