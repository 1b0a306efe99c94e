package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.model.ModelArtifact;
import org.hmis.predictions.common.s3.ObjectUpload;
import org.hmis.predictions.common.storage.ObjectMetadata;
import org.hmis.predictions.common.storage.RunId;
import org.hmis.predictions.common.storage.RunKeys;
import org.hmis.predictions.common.trigger.ObjectRef;
import org.hmis.predictions.common.trigger.RunRequest;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.hmis.predictions.predict.PredictFailedException;
import org.hmis.predictions.predict.PredictStep;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.synthetic.SyntheticWrangledPart;
import org.hmis.predictions.training.ExitedGuests;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.training.ModelTrainer;
import org.hmis.predictions.training.TrainingParameters;
import org.hmis.predictions.update.UpdateDbStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A model of feature specification v2 deployed as any model is, predicting a part wrangled with v2 through the predict
 * and update steps the functions run. The wrangle step still writes v1, so a v2 model refuses its parts by name: the
 * part here is built from the same generated guests by the same transform, as the wrangle step will write it.
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
        ModelArtifact model;
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
            pipeline.remove(RunRequest.madeHere(run));
            // The run is started by a wrangle, as update requires; its part is then replaced by the guests' v2
            // features, as a wrangle following a v2 model's manifest will write them.
            pipeline.wrangle(RunRequest.madeHere(run));
            String key = RunKeys.wrangledPart(run, 0).key();
            long rows = putV2Part(pipeline, key);
            PredictStep.Summary predicted = pipeline.predict(List.of(new ObjectRef(S3.bucket(), key)));
            assertEquals(GUESTS, rows);
            assertEquals(GUESTS, predicted.rows());
            UpdateDbStep.Result updated = pipeline.update(predicted.parts().stream()
                    .map(PredictStep.PartResult::predictions)
                    .toList());
            UpdateDbStep.Summary part = updated.parts().get(0);
            long current = count("SELECT count(*) FROM guests WHERE exit_date IS NULL");
            assertTrue(current > 0);
            assertEquals(current, part.applied(), "every current guest got the v2 model's prediction");
            assertEquals(GUESTS - current, part.skipped().exited(), "guests who left keep 'exited'");
            assertEquals(
                    current,
                    count("SELECT count(*) FROM guests WHERE exit_date IS NULL"
                            + " AND predicted_exit_destination IN ('es', 'other', 'perm', 'temp', 'unknown')"));

            // What the wrangle step writes today is v1: the v2 model names the mismatch and writes nothing.
            List<ObjectRef> v1Parts = pipeline.wrangle(RunRequest.newRun()).partObjects();
            PredictFailedException refused =
                    assertThrows(PredictFailedException.class, () -> pipeline.predict(v1Parts));
            assertTrue(
                    refused.getMessage().contains("wrangled with feature specification v1")
                            && refused.getMessage().contains("the model reads v2"),
                    refused.getMessage());
        }
    }

    /** The generated guests' v2 features, as a wrangled part with the metadata the wrangle step writes. */
    private static long putV2Part(LocalPipeline pipeline, String key) {
        try (ObjectUpload upload = pipeline.store().upload(S3.bucket(), key)) {
            long rows = SyntheticWrangledPart.write(generator(), GUESTS, FeatureSpec.V2, upload);
            upload.commit(Map.of(
                    ObjectMetadata.FEATURE_SPEC_VERSION,
                    FeatureSpec.V2.version(),
                    ObjectMetadata.ROWS,
                    Long.toString(rows),
                    ObjectMetadata.RUN_ID,
                    RunKeys.requirePart(key, RunKeys.Stage.WRANGLED).runId().value()));
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
