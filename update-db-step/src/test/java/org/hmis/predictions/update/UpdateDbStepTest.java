package org.hmis.predictions.update;

import static org.hmis.predictions.update.GuestsFixture.part;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.RunLedger;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectNotFoundException;
import org.hmis.predictions.lambda.Deadline;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The step against a real PostgreSQL and a real S3 API: every guard with exact counts, and the run record. */
class UpdateDbStepTest {
    @RegisterExtension
    static final UpdateStepFixture FIXTURE = UpdateStepFixture.freshGuestsEachTest();

    static final TestPostgres PG = FIXTURE.pg();
    static final TestS3 S3 = FIXTURE.s3();

    static final RunId OLDER = RunId.parse("20261122T101500Z-aaaa");
    static final RunId RUN = RunId.parse("20261123T101500Z-3f9a");
    static final RunId NEWER = RunId.parse("20261124T101500Z-0b0b");

    /** Writes the part to S3 and applies it through the step. */
    private static UpdateDbStep.Summary apply(RunId run, int number, String content) throws SQLException {
        String key = RunKeys.predictionsPart(run, number).key();
        GuestsFixture.put(FIXTURE.store(), S3.bucket(), key, content, "exit-destination-2026-11");
        return FIXTURE.step().apply(new ObjectRef(S3.bucket(), key));
    }

    private static Map<String, String> predictions() throws SQLException {
        try (Connection c = PG.connect()) {
            return GuestsFixture.predictions(c);
        }
    }

    private static List<String> snapshot() throws SQLException {
        try (Connection c = PG.connect()) {
            return GuestsFixture.snapshot(c);
        }
    }

    /** The part every guard test applies: seven rows, one for each case. */
    static final String MIXED = part(
            "1,2026-01-05,es", // current, no prediction: applied
            "2,2026-02-01,perm", // current, same value: unchanged
            "3,2025-03-01,temp", // exited and marked: keeps 'exited'
            "4,2026-03-01,other", // current, temp -> other: applied
            "7,2026-04-01,perm", // exited since the wrangle: keeps its value
            "5,2026-05-05,es", // no such guest
            "1,2026-01-06,temp"); // a real id on another date: no such enrolment

    @Test
    void everyGuardIsCountedExactly() throws SQLException {
        UpdateDbStep.Summary summary = apply(RUN, 0, MIXED);

        assertEquals(UpdateDbStep.APPLIED, summary.status());
        assertEquals(7, summary.rows());
        assertEquals(2, summary.applied());
        assertEquals(new UpdateDbStep.Skipped(2, 2, 1, 0), summary.skipped());
        assertEquals(7, summary.fresh(), "every row of the part is kept in the guest predictions table");
        assertEquals("exit-destination-2026-11", summary.model());
        assertEquals(RUN.value(), summary.runId());
        assertEquals("started", summary.runStatus(), "the run has no manifest yet, so it cannot be complete");

        Map<String, String> p = predictions();
        assertEquals("es", p.get("1/2026-01-05"));
        assertEquals("perm", p.get("2/2026-02-01"));
        assertEquals("exited", p.get("3/2025-03-01"), "an exited guest keeps 'exited'");
        assertEquals("other", p.get("4/2026-03-01"));
        assertEquals("exited", p.get("4/2025-04-01"), "the same guest's old, exited enrolment is left alone");
        assertEquals("unknown", p.get("6/2026-01-10"), "a guest the part does not name is left alone");
        assertEquals("es", p.get("7/2026-04-01"), "a guest who exited after the wrangle gets no new prediction");
        assertEquals(7, p.size(), "no guest was added");
    }

    @Test
    void anUnchangedValueIsNotRewritten() throws SQLException {
        String before = xmin(2, "2026-02-01");
        String changedBefore = xmin(1, "2026-01-05");
        apply(RUN, 0, MIXED);
        assertEquals(before, xmin(2, "2026-02-01"), "the row with the same prediction keeps its version");
        assertNotEquals(changedBefore, xmin(1, "2026-01-05"));
    }

    @Test
    void thePartIsRecordedWithItsCountsAndModel() throws Exception {
        apply(RUN, 0, MIXED);
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT run_id, step, part, rows, model, status, details::text, started_at <= finished_at FROM prediction_runs"
                                + " WHERE step = 'update'")) {
            assertTrue(rs.next());
            assertEquals(RUN.value(), rs.getString(1));
            assertEquals("update", rs.getString(2));
            assertEquals("predictions/20261123T101500Z-3f9a/part-00000.csv", rs.getString(3));
            assertEquals(2, rs.getLong(4));
            assertEquals("exit-destination-2026-11", rs.getString(5));
            assertEquals("applied", rs.getString(6));
            JsonNode details = TriggerJson.MAPPER.readTree(rs.getString(7));
            assertEquals("public.guests", details.get("table").asText());
            assertEquals(7, details.get("rowsInPart").asLong());
            assertEquals(2, details.get("skipped").get("exited").asLong());
            assertEquals(2, details.get("skipped").get("unmatched").asLong());
            assertEquals(1, details.get("skipped").get("unchanged").asLong());
            assertTrue(rs.getBoolean(8));
            assertFalse(rs.next());
        }
    }

    @Test
    void theSamePartAppliedTwiceChangesNothingTheSecondTime() throws SQLException {
        apply(RUN, 0, MIXED);
        List<String> afterFirst = snapshot();

        UpdateDbStep.Summary again = apply(RUN, 0, MIXED);

        assertEquals(UpdateDbStep.ALREADY_APPLIED, again.status());
        assertEquals(0, again.applied());
        assertTrue(again.message().contains("already applied"), again.message());
        assertEquals(afterFirst, snapshot(), "no guest row and no run record was touched");
    }

    @Test
    void aPartWhoseValuesAllStandAppliesZeroRowsButIsStillRecorded() throws SQLException {
        UpdateDbStep.Summary summary = apply(RUN, 0, part("2,2026-02-01,perm", "6,2026-01-10,unknown"));
        assertEquals(UpdateDbStep.APPLIED, summary.status());
        assertEquals(0, summary.applied());
        assertEquals(new UpdateDbStep.Skipped(0, 0, 2, 0), summary.skipped());
    }

    @Test
    void anOlderRunDoesNotOverwriteTheGuestsANewerOneWroteButWritesTheOthers() throws SQLException {
        apply(NEWER, 0, part("1,2026-01-05,perm", "4,2026-03-01,es"));

        UpdateDbStep.Summary older = apply(RUN, 0, part("1,2026-01-05,temp", "4,2026-03-01,temp", "6,2026-01-10,es"));

        assertEquals(UpdateDbStep.APPLIED, older.status());
        assertEquals(1, older.applied());
        assertEquals(new UpdateDbStep.Skipped(0, 0, 0, 2), older.skipped());
        Map<String, String> p = predictions();
        assertEquals("perm", p.get("1/2026-01-05"), "written by the newer run");
        assertEquals("es", p.get("4/2026-03-01"), "written by the newer run");
        assertEquals("es", p.get("6/2026-01-10"), "a guest the newer run did not name takes the older run's");
        assertEquals(NEWER.value(), guestPredictionRun(1, "2026-01-05"));
        assertEquals(RUN.value(), guestPredictionRun(6, "2026-01-10"));
    }

    /** The run that wrote a guest's row of the guest predictions table. */
    private static String guestPredictionRun(int personalId, String enrollDate) throws SQLException {
        try (Connection c = PG.connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT run_id FROM guest_predictions WHERE personal_id = ? AND enroll_date = ?::date")) {
            ps.setInt(1, personalId);
            ps.setString(2, enrollDate);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void partsOfOneRunApplyOnTheirOwnInAnyOrder() throws SQLException {
        UpdateDbStep.Summary second = apply(RUN, 1, part("4,2026-03-01,es"));
        UpdateDbStep.Summary first = apply(RUN, 0, part("1,2026-01-05,perm"));
        assertEquals(UpdateDbStep.APPLIED, second.status());
        assertEquals(UpdateDbStep.APPLIED, first.status());
        assertEquals(1, first.applied());
        assertEquals("perm", predictions().get("1/2026-01-05"));
        assertEquals("es", predictions().get("4/2026-03-01"));

        UpdateDbStep.Summary newer = apply(NEWER, 0, part("1,2026-01-05,other"));
        assertEquals(UpdateDbStep.APPLIED, newer.status());
        UpdateDbStep.Summary oldest = apply(OLDER, 3, part("1,2026-01-05,es"));
        assertEquals(1, oldest.skipped().stale());
        assertEquals("other", predictions().get("1/2026-01-05"));
    }

    @Test
    void aMissingObjectIsNamed() {
        ObjectNotFoundException e = assertThrows(
                ObjectNotFoundException.class,
                () -> FIXTURE.step()
                        .apply(new ObjectRef(S3.bucket(), "predictions/20261123T101500Z-3f9a/part-00042.csv")));
        assertTrue(e.getMessage().contains("part-00042.csv does not exist"), e.getMessage());
    }

    @Test
    void aKeyThatIsNotAPredictionsPartIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> FIXTURE.step()
                        .apply(new ObjectRef(S3.bucket(), "wrangled/20261123T101500Z-3f9a/part-00000.csv")));
        assertTrue(e.getMessage().contains("is not a predictions part key"), e.getMessage());
    }

    @Test
    void aMissingTableOrColumnIsNamed() throws SQLException {
        String key = RunKeys.predictionsPart(RUN, 0).key();
        GuestsFixture.put(FIXTURE.store(), S3.bucket(), key, MIXED, null);
        UpdateDbStep noTable = new UpdateDbStep(
                FIXTURE.database().dataSource(),
                SqlIdentifier.of("intake.no_such_guests"),
                GuestsFixture.PREDICTIONS,
                FIXTURE.store());
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> noTable.apply(new ObjectRef(S3.bucket(), key)));
        assertTrue(e.getMessage().contains("intake.no_such_guests does not exist"), e.getMessage());

        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            st.execute("ALTER TABLE guests DROP COLUMN predicted_exit_destination");
        }
        e = assertThrows(IllegalStateException.class, () -> FIXTURE.step().apply(new ObjectRef(S3.bucket(), key)));
        assertTrue(e.getMessage().contains("public.guests has no predicted_exit_destination column"), e.getMessage());
    }

    @Test
    void theTableIsTheSameTableHoweverItIsSpelled() throws SQLException {
        apply(NEWER, 0, part("1,2026-01-05,perm"));
        UpdateDbStep qualified = new UpdateDbStep(
                FIXTURE.database().dataSource(),
                SqlIdentifier.of("public.guests"),
                GuestsFixture.PREDICTIONS,
                FIXTURE.store());
        String key = RunKeys.predictionsPart(RUN, 0).key();
        GuestsFixture.put(FIXTURE.store(), S3.bucket(), key, part("1,2026-01-05,es"), null);
        assertEquals(
                1, qualified.apply(new ObjectRef(S3.bucket(), key)).skipped().stale());
        assertEquals("perm", predictions().get("1/2026-01-05"));
    }

    private static String xmin(int personalId, String enrollDate) throws SQLException {
        try (Connection c = PG.connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT xmin::text FROM guests WHERE personal_id = ? AND enroll_date = ?::date")) {
            ps.setInt(1, personalId);
            ps.setString(2, enrollDate);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return rs.getString(1);
            }
        }
    }

    private static void execute(String... statements) throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    @Test
    void aRunWithAFutureIdIsOverwrittenByARunMadeNowThatStartedLater() throws SQLException {
        RunId future = RunId.parse("99991231T235959Z-ffff");
        RunId now = RunId.newRun();
        try (Connection c = PG.connect()) {
            GuestsFixture.start(c, future.value(), "2026-11-24T11:00:00Z");
            GuestsFixture.start(c, now.value(), "2026-11-24T11:05:00Z");
        }
        apply(future, 0, part("1,2026-01-05,perm"));
        UpdateDbStep.Summary later = apply(now, 0, part("1,2026-01-05,temp"));
        assertEquals(1, later.applied());
        assertEquals(0, later.skipped().stale());
        assertEquals("temp", predictions().get("1/2026-01-05"), "the run that started later wins, whatever its id");
    }

    @Test
    void twoRunsStartedInTheSameSecondAreOrderedByTheirStartNotTheirSuffix() throws SQLException {
        RunId first = RunId.parse("20261124T120000Z-ffff");
        RunId second = RunId.parse("20261124T120000Z-0000");
        try (Connection c = PG.connect()) {
            GuestsFixture.start(c, first.value(), "2026-11-24T12:00:00.100Z");
            GuestsFixture.start(c, second.value(), "2026-11-24T12:00:00.200Z");
        }
        apply(second, 0, part("1,2026-01-05,perm"));
        UpdateDbStep.Summary earlier = apply(first, 0, part("1,2026-01-05,temp", "6,2026-01-10,es"));
        assertEquals(1, earlier.skipped().stale());
        assertEquals("perm", predictions().get("1/2026-01-05"));
        assertEquals("es", predictions().get("6/2026-01-10"));
    }

    @Test
    void aGuestWhoseExitDateIsClearedAgainTakesTheNextPrediction() throws SQLException {
        apply(RUN, 0, part("4,2026-03-01,es"));
        // The guest exits, remove marks them, then the exit is found to be a mistake and cleared.
        execute(
                "UPDATE guests SET exit_date = '2026-11-20', predicted_exit_destination = 'exited'"
                        + " WHERE personal_id = 4 AND enroll_date = '2026-03-01'",
                "UPDATE guests SET exit_date = NULL WHERE personal_id = 4 AND enroll_date = '2026-03-01'");
        UpdateDbStep.Summary next = apply(NEWER, 0, part("4,2026-03-01,es"));
        assertEquals(1, next.applied(), "the same class as before, but the guest shows 'exited'");
        assertEquals("es", predictions().get("4/2026-03-01"));
    }

    @Test
    void aPartNoneOfWhoseKeysMatchAGuestFailsAndChangesNothing() throws SQLException {
        List<String> before = snapshot();
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> apply(RUN, 0, part("90,2026-01-05,es", "91,2026-01-05,es")));
        assertTrue(
                e.getMessage()
                        .startsWith("none of the 2 keys of predictions/" + RUN + "/part-00000.csv matches a"
                                + " guest of public.guests"),
                e.getMessage());
        assertEquals(before, snapshot());
    }

    @Test
    void aPartRewrittenUnderTheSameKeyIsAppliedAgainAndARedeliveryIsNot() throws SQLException {
        apply(RUN, 0, part("1,2026-01-05,es"));
        UpdateDbStep.Summary rewritten = apply(RUN, 0, part("1,2026-01-05,perm"));
        assertEquals(UpdateDbStep.APPLIED, rewritten.status(), "new content under the key is not 'already applied'");
        assertEquals("perm", predictions().get("1/2026-01-05"));
        List<String> after = snapshot();
        UpdateDbStep.Summary redelivered = FIXTURE.step()
                .apply(new ObjectRef(
                        S3.bucket(), RunKeys.predictionsPart(RUN, 0).key()));
        assertEquals(UpdateDbStep.ALREADY_APPLIED, redelivered.status());
        assertEquals(after, snapshot());
    }

    @Test
    void theRunIsCompleteWhenTheLastPartOfItsManifestIsAppliedInEitherOrder() throws SQLException {
        try (Connection c = PG.connect()) {
            GuestsFixture.wrangled(c, RUN.value(), 2);
        }
        assertEquals("wrangled", apply(RUN, 1, part("4,2026-03-01,es")).runStatus());
        assertEquals("complete", apply(RUN, 0, part("1,2026-01-05,es")).runStatus());

        // Parts may be applied before wrangle writes the manifest: then recording the manifest completes the run.
        assertEquals("started", apply(NEWER, 0, part("1,2026-01-05,perm")).runStatus());
        try (Connection c = FIXTURE.database().connection()) {
            assertEquals(
                    "complete",
                    new RunLedger(GuestsFixture.TABLE, GuestsFixture.PREDICTIONS).wrangled(c, NEWER, 1, 1, Map.of()),
                    "its one part was applied before");
        }
    }

    @Test
    void aLockHeldPastTheTimeLeftEndsThePartCleanlyAndTheServerStopsWaiting() throws Exception {
        String key = RunKeys.predictionsPart(RUN, 0).key();
        GuestsFixture.put(FIXTURE.store(), S3.bucket(), key, part("1,2026-01-05,es", "2,2026-02-01,temp"), null);
        List<String> before = snapshot();
        try (Connection holder = PG.connect();
                Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            st.executeQuery("SELECT * FROM guests WHERE personal_id = 2 FOR UPDATE")
                    .close();
            long started = System.nanoTime();
            Deadline deadline = Deadline.after(java.time.Duration.ofSeconds(3), java.time.Duration.ofSeconds(1));
            SQLException e = assertThrows(
                    SQLException.class, () -> FIXTURE.step().apply(new ObjectRef(S3.bucket(), key), deadline));
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(e.getMessage().startsWith(key + " ran out of time (the server stopped it"), e.getMessage());
            assertTrue(tookMs < 3_000, "ended within the invocation's time: " + tookMs + " ms");
            assertEquals(0, PG.sessionsWaitingOnLocks(), "no statement of the step is left waiting on the server");
            holder.rollback();
        }
        assertEquals(before, snapshot(), "nothing was applied");
    }

    @Test
    void aTimestampKeyMatchesByItsOwnDateWhateverTheSessionsTimeZone() throws SQLException {
        // pandas' to_sql, which built the original table, writes dates as TIMESTAMP.
        execute(
                "ALTER DATABASE " + PG.database() + " SET timezone = 'America/Los_Angeles'",
                "ALTER TABLE guests ALTER COLUMN enroll_date TYPE TIMESTAMP USING enroll_date::timestamp",
                "INSERT INTO guests (personal_id, enroll_date) VALUES (9, '2026-01-05 23:30:00')");
        try {
            UpdateDbStep zoned =
                    new UpdateDbStep(PG.dataSource(), GuestsFixture.TABLE, GuestsFixture.PREDICTIONS, FIXTURE.store());
            String key = RunKeys.predictionsPart(RUN, 0).key();
            GuestsFixture.put(
                    FIXTURE.store(),
                    S3.bucket(),
                    key,
                    part("9,2026-01-05,temp", "1,2026-01-05,es", "9,2026-01-06,perm"),
                    null);
            UpdateDbStep.Summary summary = zoned.apply(new ObjectRef(S3.bucket(), key));
            assertEquals(2, summary.applied());
            assertEquals(1, summary.skipped().unmatched(), "the next day is not the guest's enrolment");
            assertEquals("temp", predictions().get("9/2026-01-05 23:30:00"));
        } finally {
            execute("ALTER DATABASE " + PG.database() + " RESET timezone");
        }
    }

    @Test
    void aTimestamptzKeyMatchesByItsDateInUtcWhateverTheSessionsTimeZone() throws SQLException {
        execute(
                "ALTER DATABASE " + PG.database() + " SET timezone = 'America/Los_Angeles'",
                "ALTER TABLE guests ALTER COLUMN enroll_date TYPE TIMESTAMPTZ USING enroll_date::timestamp AT TIME ZONE 'UTC'",
                "INSERT INTO guests (personal_id, enroll_date) VALUES (9, '2026-01-05 23:30:00-08')");
        try {
            UpdateDbStep zoned =
                    new UpdateDbStep(PG.dataSource(), GuestsFixture.TABLE, GuestsFixture.PREDICTIONS, FIXTURE.store());
            String key = RunKeys.predictionsPart(RUN, 0).key();
            GuestsFixture.put(FIXTURE.store(), S3.bucket(), key, part("9,2026-01-06,temp", "1,2026-01-05,es"), null);
            UpdateDbStep.Summary summary = zoned.apply(new ObjectRef(S3.bucket(), key));
            assertEquals(2, summary.applied());
            assertEquals(0, summary.skipped().unmatched());
        } finally {
            execute("ALTER DATABASE " + PG.database() + " RESET timezone");
        }
    }

    @Test
    void aPartOfARunNoWrangleStartedIsRefused() throws SQLException {
        List<String> before = snapshot();
        RunId unknown = RunId.parse("20261125T101500Z-dead");
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> apply(unknown, 0, part("1,2026-01-05,es")));
        assertTrue(
                e.getMessage()
                        .startsWith("run " + unknown + " of predictions/" + unknown + "/part-00000.csv has no"
                                + " record in prediction_runs"),
                e.getMessage());
        assertEquals(before, snapshot());
    }
}
