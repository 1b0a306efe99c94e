package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.util.Map;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.training.ModelFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code run --json} prints what {@code status --run-id} prints for that run, and nothing else on stdout. */
class RunJsonTest {
    private static DemoServices services;
    private static Map<String, String> environment;

    @BeforeAll
    static void loadGuests() throws Exception {
        services = DemoServices.start(
                System.getenv("TEST_JDBC_URL"),
                "exit_destination_run_json_test_" + ProcessHandle.current().pid());
        environment = services.environment();
        PipelineConfig config = PipelineConfig.from(environment);
        try (Connection c = services.connect()) {
            GuestsTable.create(c, config.guestsTable());
            new GuestLoader(GuestGenerator.builder().seed(5).build()).load(c, config.guestsTable(), 500);
        }
        try (ObjectStore store = ObjectStore.create(config.storage())) {
            ModelFiles.upload(ModelFiles.readResource(DemoCommand.BUNDLED_MODEL), store, DemoServices.BUCKET);
        }
        assertEquals(0, CommandErrorsTest.run(environment, "setup").exit());
    }

    @AfterAll
    static void stop() throws Exception {
        services.close();
        services.dropDatabase();
    }

    @Test
    void runJsonIsTheStatusOfThatRun() throws Exception {
        CommandErrorsTest.Outcome run = CommandErrorsTest.run(environment, "run", "--json");
        assertEquals(0, run.exit(), run.err());
        JsonNode summary = TriggerJson.MAPPER.readTree(run.out());
        assertEquals("complete", summary.path("status").asText(), run.out());
        assertTrue(summary.path("rows").asLong() > 0, run.out());

        CommandErrorsTest.Outcome status = CommandErrorsTest.run(
                environment, "status", "--run-id", summary.path("runId").asText());
        assertEquals(0, status.exit(), status.err());
        assertEquals(status.out(), run.out());
    }
}
