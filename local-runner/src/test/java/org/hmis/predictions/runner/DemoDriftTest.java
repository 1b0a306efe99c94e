package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.List;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.wrangle.WrangleStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo's own population, the guests the bundled model's generator makes with the demo's defaults, is not called
 * shifted from the model's training rows: the first report a new user sees must not say the model may not hold.
 */
class DemoDriftTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    /** DemoCommand's default --guests and --seed. */
    private static final long GUESTS = 10_000;

    private static final long SEED = 42;

    @Test
    void theDemosPopulationRaisesNoDrift() throws Exception {
        PipelineConfig config = PipelineConfig.from(LocalEndpoints.environment(
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
            new GuestLoader(GuestGenerator.builder().seed(SEED).build()).load(c, config.guestsTable(), GUESTS);
        }
        try (LocalPipeline pipeline = new LocalPipeline(config)) {
            pipeline.migrate();
            ModelFiles.upload(
                    ModelFiles.readResource(DemoCommand.BUNDLED_MODEL),
                    pipeline.store(),
                    config.storage().inputBucket());

            WrangleStep.Summary wrangle = pipeline.wrangle(RunRequest.madeHere(RunId.parse("20261123T060000Z-0001")));

            assertTrue(wrangle.rows() > 0);
            assertNotNull(wrangle.maxFeaturePsi(), "drift was measured");
            assertEquals(List.of(), wrangle.driftedFeatures());
        }
    }
}
