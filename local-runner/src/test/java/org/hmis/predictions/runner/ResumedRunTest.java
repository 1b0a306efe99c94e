package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.RunLedger;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.Deadline;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.training.ModelFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Runs that stopped, for real or as a killed process leaves them, seen by {@code status}, recorded failed by
 * {@code fail-run} and resumed by {@code run --run-id} to completion (issue 22).
 */
class ResumedRunTest {
    private static final String MODEL = "exit-destination";
    private static DemoServices services;
    private static Map<String, String> environment;
    private static PipelineConfig config;

    @BeforeAll
    static void loadGuests() throws Exception {
        services = DemoServices.start(
                System.getenv("TEST_JDBC_URL"),
                "exit_destination_resume_test_" + ProcessHandle.current().pid());
        environment = services.environment();
        config = PipelineConfig.from(environment);
        try (Connection c = services.connect()) {
            GuestsTable.create(c, config.guestsTable());
            new GuestLoader(GuestGenerator.builder().seed(23).build()).load(c, config.guestsTable(), 1500);
        }
        assertEquals(
                0, command((out, err) -> new SetupCommand(environment, out)).exit());
        uploadModel();
    }

    @AfterAll
    static void stop() throws Exception {
        services.close();
        services.dropDatabase();
    }

    private record Outcome(int exit, String out, String err) {}

    private static Outcome command(BiFunction<PrintStream, PrintStream, Callable<Integer>> make, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new CommandLine(make.apply(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(args);
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Outcome run(String... args) {
        return command((out, err) -> new RunCommand(environment, out, err), args);
    }

    private static Outcome failRun(String... args) {
        return command((out, err) -> new FailRunCommand(environment, out, err), args);
    }

    private static JsonNode status(String runId) throws Exception {
        Outcome status = command((out, err) -> new StatusCommand(environment, out, err), "--run-id", runId);
        assertEquals(0, status.exit(), status.err());
        return TriggerJson.MAPPER.readTree(status.out());
    }

    private static String runIdOf(Outcome run) {
        return run.out()
                .lines()
                .filter(l -> l.startsWith("Run "))
                .findFirst()
                .orElseThrow()
                .substring(4)
                .replace(":", "");
    }

    private static void uploadModel() throws Exception {
        try (ObjectStore store = ObjectStore.create(config.storage())) {
            ModelFiles.upload(ModelFiles.readResource(DemoCommand.BUNDLED_MODEL), store, DemoServices.BUCKET);
        }
    }

    private static void deleteModelObject(String key) {
        try (ObjectStore store = ObjectStore.create(config.storage())) {
            store.delete(DemoServices.BUCKET, key);
        }
    }

    private static void assertEveryCurrentGuestPredictedBy(String runId) throws Exception {
        try (Connection c = services.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*), count(*) FILTER (WHERE p.run_id = '" + runId
                        + "') FROM guests g LEFT JOIN guest_predictions p ON p.personal_id = g.personal_id"
                        + " AND p.enroll_date = g.enroll_date::date WHERE g.exit_date IS NULL")) {
            rs.next();
            assertTrue(rs.getLong(1) > 0);
            assertEquals(rs.getLong(1), rs.getLong(2), "every current guest has the resumed run's prediction");
        }
    }

    /**
     * Runs the pipeline with the model object {@code key} missing, puts the model back, and answers the run's id once
     * the run is recorded {@code status}.
     */
    private String runFailingWithout(String key, String status) throws Exception {
        deleteModelObject(key);
        Outcome failed;
        try {
            failed = run("--step", "all");
        } finally {
            uploadModel();
        }
        assertEquals(1, failed.exit(), failed.out());
        String runId = runIdOf(failed);
        assertEquals(status, status(runId).path("status").asText());
        return runId;
    }

    /** The model's manifest is missing: the wrangle fails; with the model back the same id runs to completion. */
    @Test
    void aRunThatFailedInItsWrangleResumesWithItsRunId() throws Exception {
        String runId = runFailingWithout(RunKeys.manifestKey(MODEL), "failed");

        // In full: the other tests' runs predicted these guests already, and would otherwise carry them over.
        Outcome resumed = run("--step", "all", "--run-id", runId, "--full");

        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.out().contains("remove   completed for this run at"), resumed.out());
        JsonNode run = status(runId);
        assertEquals("complete", run.path("status").asText(), run.toString());
        assertEquals(2, run.path("attempt").asInt());
        assertEquals(run.path("parts").path("expected"), run.path("parts").path("applied"));
        assertEquals("update", run.path("lastSeen").path("step").asText(), run.toString());
        assertEveryCurrentGuestPredictedBy(runId);
    }

    /** model.txt is missing: the wrangle succeeds and predict fails; resumed, the run predicts its wrangled parts. */
    @Test
    void aRunThatFailedInPredictResumesWithItsRunId() throws Exception {
        String runId = runFailingWithout(RunKeys.modelKey(MODEL), "wrangled");

        Outcome resumed = run("--step", "all", "--run-id", runId);

        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.out().contains("run wrangled already"), resumed.out());
        JsonNode run = status(runId);
        assertEquals("complete", run.path("status").asText(), run.toString());
        assertEquals(1, run.path("attempt").asInt(), "the wrangle was not repeated");
        assertEveryCurrentGuestPredictedBy(runId);

        Outcome again = run("--step", "all", "--run-id", runId);
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("is complete: there is nothing to resume"), again.err());
    }

    /**
     * What a wrangle killed mid-way leaves: the run started, the wrangle seen with its deadline, and no session (the
     * process's connection is gone, and its lock with it). The run is twenty minutes old: past the caller's window.
     */
    private static RunId killedWrangle(Duration ago) throws Exception {
        RunId runId = RunId.newAt(Instant.now().minus(ago));
        RunLedger ledger = new RunLedger(config.guestsTable(), config.guestPredictionsTable());
        try (Connection c = services.connect()) {
            assertTrue(ledger.started(c, RunRequest.madeHere(runId)).isPresent());
            ledger.seen(c, runId, RunLedger.RUN_STEP, "", Deadline.after(Duration.ofMinutes(5), Duration.ZERO));
        }
        return runId;
    }

    @Test
    void aWrangleThatDiedIsStalledAndResumesPastTheCallersWindow() throws Exception {
        RunId runId = killedWrangle(Duration.ofMinutes(20));

        JsonNode stalled = status(runId.value());
        assertEquals("stalled", stalled.path("status").asText(), stalled.toString());
        assertEquals("wrangle", stalled.path("lastSeen").path("step").asText());
        assertFalse(stalled.path("lastSeen").path("at").isNull(), stalled.toString());
        assertFalse(stalled.path("lastSeen").path("until").isNull(), stalled.toString());

        Outcome invented = run(
                "--step",
                "all",
                "--run-id",
                RunId.newAt(Instant.now().minus(Duration.ofMinutes(20))).value());
        assertEquals(1, invented.exit(), "an old id the ledger does not hold is still refused");
        assertTrue(invented.err().contains("more than 15 minutes"), invented.err());

        Outcome resumed = run("--step", "all", "--run-id", runId.value());

        assertEquals(0, resumed.exit(), resumed.err());
        JsonNode run = status(runId.value());
        assertEquals("complete", run.path("status").asText(), run.toString());
        assertEquals(2, run.path("attempt").asInt());
        assertEveryCurrentGuestPredictedBy(runId.value());
    }

    @Test
    void failRunRecordsAStoppedRunFailedWithTheReasonAndItResumes() throws Exception {
        RunId runId = killedWrangle(Duration.ofMinutes(30));
        RunLedger ledger = new RunLedger(config.guestsTable(), config.guestPredictionsTable());
        RunId live = RunId.newRun();
        try (Connection wrangling = services.connect()) {
            // A wrangle still running holds its run: it cannot be failed from outside.
            ledger.started(wrangling, RunRequest.madeHere(live));
            ledger.seen(wrangling, live, RunLedger.RUN_STEP, "", Deadline.NONE);
            assertEquals("started", status(live.value()).path("status").asText(), "alive: not stalled");
            Outcome refused = failRun("--run-id", live.value(), "--reason", "impatience");
            assertEquals(1, refused.exit());
            assertTrue(refused.err().contains("is being wrangled right now"), refused.err());
            // Its deadline passed, yet its session holds on (a connection the server has not yet seen die).
            try (Connection c = services.connect();
                    Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE run_heartbeats SET deadline_at = clock_timestamp() - interval '1 second'"
                        + " WHERE run_id = '" + live + "'");
            }
            assertEquals("stalled", status(live.value()).path("status").asText(), "past its deadline");
            assertEquals(
                    1, failRun("--run-id", live.value(), "--reason", "zombie").exit(), "its lock still rules");
        }

        Outcome failed = failRun("--run-id", runId.value(), "--reason", "the machine was restarted mid-wrangle");

        assertEquals(0, failed.exit(), failed.err());
        assertTrue(failed.out().contains("was started; it is recorded failed"), failed.out());
        JsonNode run = status(runId.value());
        assertEquals("failed", run.path("status").asText());
        assertEquals("the machine was restarted mid-wrangle", run.path("error").asText());
        assertFalse(run.path("timings").path("failedAt").isNull());
        Outcome twice = failRun("--run-id", runId.value(), "--reason", "again");
        assertEquals(1, twice.exit());
        assertTrue(twice.err().contains("is failed already"), twice.err());

        Outcome resumed = run("--step", "all", "--run-id", runId.value());
        assertEquals(0, resumed.exit(), resumed.err());
        assertEquals("complete", status(runId.value()).path("status").asText());
    }
}
