package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.hmis.predictions.training.ModelFiles;
import org.junit.jupiter.api.Test;

/**
 * The demo's {@code --source hmis-csv}: a generated export imported into hmis_guests, and the whole pipeline run on
 * it with GUESTS_TABLE=hmis_guests and nothing else changed; every current guest gets a prediction in hmis_guests and
 * is ranked in the risk view.
 */
class HmisCsvPipelineTest {
    @Test
    void thePipelineRunsUnchangedOnAnImportedExport() throws Exception {
        try (DemoServices services = DemoServices.start(
                System.getenv("TEST_JDBC_URL"),
                "exit_destination_hmis_test_" + ProcessHandle.current().pid())) {
            PipelineConfig config = PipelineConfig.from(HmisCsvSource.environment(services.environment()));
            assertEquals("hmis_guests", config.guestsTable().name());
            ByteArrayOutputStream said = new ByteArrayOutputStream();
            long loaded = HmisCsvSource.load(config, 1500, 9, new PrintStream(said, true, StandardCharsets.UTF_8));
            assertEquals(1500, loaded, said.toString(StandardCharsets.UTF_8));
            try (LocalPipeline pipeline = new LocalPipeline(config)) {
                pipeline.migrate();
                ModelFiles.upload(
                        ModelFiles.readResource(DemoCommand.BUNDLED_MODEL),
                        pipeline.store(),
                        config.storage().inputBucket());
                pipeline.refresh(RunRequest.newRun());
            }
            try (Connection c = services.connect();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE exit_date IS NULL),"
                            + " count(*) FILTER (WHERE exit_date IS NULL AND predicted_exit_destination IN"
                            + " ('es', 'other', 'perm', 'temp', 'unknown')),"
                            + " count(*) FILTER (WHERE exit_date IS NOT NULL AND predicted_exit_destination = 'exited'),"
                            + " count(*) FILTER (WHERE exit_date IS NOT NULL),"
                            + " (SELECT count(*) FROM "
                            + config.currentGuestRiskView().quoted() + ")"
                            + " FROM hmis_guests")) {
                rs.next();
                assertTrue(rs.getLong(1) > 50, "current guests: " + rs.getLong(1));
                assertEquals(rs.getLong(1), rs.getLong(2), "every current guest predicted");
                assertEquals(rs.getLong(4), rs.getLong(3), "every exited guest marked");
                assertEquals(rs.getLong(1), rs.getLong(5), "every current guest ranked");
            }
            services.dropDatabase();
        }
    }
}
