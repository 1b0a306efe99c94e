package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.csv.WrangledCsv;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.training.ExitedGuests;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.training.ModelTrainer;
import org.hmis.predictions.training.StoredModel;
import org.hmis.predictions.training.TrainingParameters;
import org.hmis.predictions.update.UpdateDbStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A model of feature specification v2 deployed as any model is: the wrangle step follows its manifest and writes v2
 * parts, which predict and update take through to every current guest.
 */
class FeatureSpecV2PipelineTest {
    @RegisterExtension
    static final TestPostgres PG = new TestPostgres();

    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    private static final int GUESTS = 3_000;

    private static GuestGenerator generator() {
        return GuestGenerator.builder().seed(23).asOf(LocalDate.of(2026, 11, 1)).build();
    }

    @Test
    void aV2ModelPredictsAV2PartAndUpdateAppliesEveryCurrentGuest() throws Exception {
        PipelineConfig config = PipelineConfig.from(LocalEndpoints.environment(
                PG.jdbcUrl(),
                PG.user(),
                PG.password(),
                S3.endpoint(),
                S3.region(),
                S3.accessKey(),
                S3.secretKey(),
                S3.bucket()));
        StoredModel model;
        try (Connection c = PG.connect()) {
            GuestsTable.create(c, config.guestsTable());
            new GuestLoader(generator()).load(c, config.guestsTable(), GUESTS);
            model = new ModelTrainer(new TrainingParameters(15, 0.1, 15, 23, 2, 0.2))
                    .train(
                            config.modelName(),
                            FeatureSpec.V2.version(),
                            ExitedGuests.read(
                                            c, config.guestsTable(), FeatureSpec.V2, ExitDestinationClasses.defaults())
                                    .data());
        }
        assertEquals("v2", model.manifest().featureSpecVersion());
        assertEquals(FeatureSpec.V2.featureNames(), model.manifest().features());
        assertTrue(model.manifest().features().stream().noneMatch(f -> f.equals("is_white") || f.equals("is_female")));

        try (LocalPipeline pipeline = new LocalPipeline(config)) {
            pipeline.migrate();
            ModelFiles.upload(model, pipeline.store(), S3.bucket());
            RunId run = RunId.newRun();

            // Deploying the v2 model is all it takes: the wrangle follows its manifest.
            LocalPipeline.Result result = pipeline.refresh(RunRequest.madeHere(run));

            long current = count("SELECT count(*) FROM guests WHERE exit_date IS NULL");
            assertTrue(current > 0);
            assertEquals("v2", result.wrangle().featureSpecVersion());
            assertEquals(current, result.wrangle().rows());
            String part = RunKeys.wrangledPart(run, 0).key();
            assertEquals(
                    "v2",
                    pipeline.store()
                            .head(S3.bucket(), part)
                            .orElseThrow()
                            .metadata()
                            .get("feature-spec-version"));
            String header = pipeline.store()
                    .readString(S3.bucket(), part)
                    .lines()
                    .findFirst()
                    .orElseThrow();
            assertEquals(String.join(",", WrangledCsv.header(FeatureSpec.V2.featureNames())), header);
            for (String protectedFlag : List.of("is_white", "is_latino", "is_female")) {
                assertFalse(header.contains(protectedFlag), protectedFlag + " is not in a v2 part");
            }
            assertEquals(List.of(), result.predict().failed());
            assertEquals(current, result.predict().rows());
            long applied = result.update().parts().stream()
                    .mapToLong(UpdateDbStep.Summary::applied)
                    .sum();
            assertEquals(current, applied, "every current guest got the v2 model's prediction");
            assertEquals(
                    current,
                    count("SELECT count(*) FROM guests WHERE exit_date IS NULL"
                            + " AND predicted_exit_destination IN ('es', 'other', 'perm', 'temp', 'unknown')"));
            assertEquals(
                    "v2",
                    stringOf("SELECT details->>'featureSpecVersion' FROM prediction_runs WHERE run_id = '" + run
                            + "' AND step = 'wrangle' AND part = ''"));
        }
    }

    private static String stringOf(String sql) throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = PG.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
