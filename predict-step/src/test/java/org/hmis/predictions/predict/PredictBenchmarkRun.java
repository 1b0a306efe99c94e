package org.hmis.predictions.predict;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.hmis.predictions.common.model.LightGbmPredictor;
import org.hmis.predictions.common.model.ModelArtifact;
import org.hmis.predictions.common.model.ModelFiles;
import org.hmis.predictions.common.storage.ObjectStore;
import org.hmis.predictions.localservices.TestS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs {@link PredictBenchmark} on the bundled demo model; only when asked, never in {@code mvn verify}:
 * <pre>
 * ./mvnw -B -q -pl predict-step -am verify -Dtest=PredictBenchmarkRun -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbenchmark.rows=1000000 -DargLine=-Xmx512m
 * </pre>
 * The JSON line is in {@code predict-step/target/surefire-reports/*PredictBenchmarkRun-output.txt}.
 */
@EnabledIfSystemProperty(named = "benchmark.rows", matches = "\\d+")
class PredictBenchmarkRun {
    @RegisterExtension
    static final TestS3 S3 = new TestS3();

    @Test
    void predictsThroughTheStepNearLightGbmsOwnBatchRate() throws Exception {
        int rows = Integer.parseInt(System.getProperty("benchmark.rows"));
        int batchRows = Integer.getInteger("benchmark.batch", PredictStep.DEFAULT_BATCH_ROWS);
        int threads = Integer.getInteger("benchmark.threads", LightGbmPredictor.DEFAULT_THREADS);
        int rounds = Integer.getInteger("benchmark.rounds", 3);
        Path modelDirectory = Path.of(System.getProperty("benchmark.model",
                "../local-runner/src/main/resources/demo-model"));
        ModelArtifact model = ModelFiles.read(modelDirectory);
        try (ObjectStore store = TrainedModel.objectStore(S3)) {
            PredictBenchmark.Figures figures = PredictBenchmark.run(store, S3.bucket(), model, rows, batchRows, threads, rounds, 8);
            System.out.println(figures.json());
            assertTrue(figures.rows() == rows);
        }
    }
}
