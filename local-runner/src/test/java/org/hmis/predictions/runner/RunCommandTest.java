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
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.training.ModelFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * run against local services configured only through the functions' variables (a Map in place of the process
 * environment): TEST_JDBC_URL's server, or embedded PostgreSQL without it, and the in-process S3 server.
 */
class RunCommandTest {
    private static DemoServices services;
    private static Map<String, String> environment;

    @BeforeAll
    static void loadGuests() throws Exception {
        services = DemoServices.start(
                System.getenv("TEST_JDBC_URL"),
                "exit_destination_run_test_" + ProcessHandle.current().pid());
        environment = services.environment();
        PipelineConfig config = PipelineConfig.from(environment);
        ByteArrayOutputStream setup = new ByteArrayOutputStream();
        assertEquals(0, new SetupCommand(environment, new PrintStream(setup, true, StandardCharsets.UTF_8)).call());
        String said = setup.toString(StandardCharsets.UTF_8);
        assertTrue(said.startsWith("Applied 9 migration(s)"), said);
        try (Connection c = services.connect()) {
            GuestsTable.create(c, config.guestsTable());
            new GuestLoader(GuestGenerator.builder().seed(11).build()).load(c, config.guestsTable(), 2000);
        }
        try (ObjectStore store = ObjectStore.create(config.storage())) {
            ModelFiles.upload(ModelFiles.readResource(DemoCommand.BUNDLED_MODEL), store, DemoServices.BUCKET);
        }
        // Setup again now that the guests table exists: no migration left, the view over the table is made.
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        assertEquals(0, new SetupCommand(environment, new PrintStream(again, true, StandardCharsets.UTF_8)).call());
        String saidAgain = again.toString(StandardCharsets.UTF_8);
        assertTrue(saidAgain.startsWith("The pipeline schema is up to date."), saidAgain);
    }

    @AfterAll
    static void stop() throws Exception {
        services.close();
        services.dropDatabase();
    }

    private record Outcome(int exit, String out, String err) {}

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.execute(
                environment,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Stream.concat(Stream.of("run"), Arrays.stream(args)).toArray(String[]::new));
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void allUpdatesEveryGuestThenOneStepRedoesAnUpdateFromItsRunId() throws Exception {
        Outcome all = run("--step", "all");
        assertEquals(0, all.exit(), all.err());
        assertTrue(all.out().contains("guests updated"), all.out());
        assertTrue(all.out().contains("The 5 households most at risk"), all.out());

        try (Connection c = services.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT"
                        + " count(*) FILTER (WHERE exit_date IS NULL),"
                        + " count(*) FILTER (WHERE exit_date IS NULL AND predicted_exit_destination IN ('es','other','perm','temp','unknown')),"
                        + " count(*) FILTER (WHERE exit_date IS NOT NULL),"
                        + " count(*) FILTER (WHERE exit_date IS NOT NULL AND predicted_exit_destination = 'exited')"
                        + " FROM guests")) {
            rs.next();
            assertTrue(rs.getLong(1) > 0);
            assertEquals(rs.getLong(1), rs.getLong(2), "every current guest has one of the five classes");
            assertEquals(rs.getLong(3), rs.getLong(4), "every exited guest is marked exited");
        }

        // The run's predictions, applied again by --run-id: found by listing, and already applied.
        String runId = all.out()
                .lines()
                .filter(l -> l.startsWith("Run "))
                .findFirst()
                .orElseThrow()
                .substring(4)
                .replace(":", "");
        Outcome update = run("--step", "update", "--run-id", runId);
        assertEquals(0, update.exit(), update.err());
        assertTrue(update.out().contains("0 guests updated"), update.out());
        try (ObjectStore store =
                ObjectStore.create(PipelineConfig.from(environment).storage())) {
            String key = store.list(
                            DemoServices.BUCKET,
                            RunKeys.predictionsRunPrefix(org.hmis.predictions.common.run.RunId.parse(runId)))
                    .get(0);
            Outcome byKey = run("--step", "update", "--key", key);
            assertEquals(0, byKey.exit(), byKey.err());
        }
    }

    /** status prints what the API's GET /runs/{runId} answers, for the run just made and for the latest. */
    @Test
    void statusTellsHowTheRunWent() throws Exception {
        // In full: another test's run may have predicted these guests, whose predictions would be carried over.
        Outcome all = run("--step", "all", "--full");
        assertEquals(0, all.exit(), all.err());
        String runId = all.out()
                .lines()
                .filter(l -> l.startsWith("Run "))
                .findFirst()
                .orElseThrow()
                .substring(4)
                .replace(":", "");
        Outcome byId = status("--run-id", runId);
        assertEquals(0, byId.exit(), byId.err());
        JsonNode run = TriggerJson.MAPPER.readTree(byId.out());
        assertEquals(runId, run.path("runId").asText());
        assertEquals("complete", run.path("status").asText());
        assertEquals("made_here", run.path("origin").asText());
        assertTrue(run.path("parts").path("expected").asInt() > 0, byId.out());
        assertEquals(run.path("parts").path("expected"), run.path("parts").path("applied"), "every part applied");
        assertTrue(run.path("rows").asLong() > 0, byId.out());
        assertEquals(run.path("rows"), run.path("refresh").path("rescored"), byId.out());
        assertEquals(0, run.path("refresh").path("carriedOver").asLong(), byId.out());
        assertTrue(run.path("refresh").path("full").asBoolean(), byId.out());
        assertEquals(
                "exit-destination", run.path("models").path(0).path("model").asText(), byId.out());
        assertFalse(run.path("timings").path("completedAt").isNull(), byId.out());
        assertTrue(run.path("durationsMs").path("total").asLong()
                >= run.path("durationsMs").path("wrangle").asLong());

        Outcome latest = status();
        assertEquals(0, latest.exit(), latest.err());
        assertEquals(
                runId, TriggerJson.MAPPER.readTree(latest.out()).path("runId").asText(), "the run started last");

        Outcome malformed = status("--run-id", "2026-11-23");
        assertEquals(2, malformed.exit());
        assertTrue(malformed.err().contains("is not of the form"), malformed.err());
        Outcome unknown = status("--run-id", "20200101T000000Z-0000");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("was ever started"), unknown.err());
    }

    private static Outcome status(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.execute(
                environment,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Stream.concat(Stream.of("status"), Arrays.stream(args)).toArray(String[]::new));
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aFailureSaysWhatWentWrongWithoutAStackTrace() {
        Outcome missing = run("--step", "predict");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("needs either --key"), missing.err());

        Outcome badKey = run("--step", "update", "--key", "wrangled/20261123T101500Z-3f9a/part-00000.csv");
        assertEquals(2, badKey.exit());
        assertTrue(badKey.err().contains("is not a predictions part key"), badKey.err());
        assertFalse(badKey.err().contains("\tat "), badKey.err());

        Outcome noParts = run("--step", "predict", "--run-id", "20200101T000000Z-0000");
        assertEquals(1, noParts.exit());
        assertTrue(noParts.err().contains("no wrangled parts under"), noParts.err());
    }
}
