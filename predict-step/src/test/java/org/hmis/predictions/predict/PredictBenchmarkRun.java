package org.hmis.predictions.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import org.hmis.predictions.common.config.StorageSettings;
import org.hmis.predictions.common.model.LightGbmPredictor;
import org.hmis.predictions.common.model.ModelArtifact;
import org.hmis.predictions.common.model.ModelFiles;
import org.hmis.predictions.common.storage.ObjectStore;
import org.hmis.predictions.localservices.LocalS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link PredictBenchmark} on the bundled demo model; only when asked, never in {@code mvn verify}:
 * <pre>
 * ./mvnw -B -q -pl predict-step -am verify -Dtest=PredictBenchmarkRun -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbenchmark.rows=1000000 -DargLine=-Xmx160m
 * </pre>
 * The S3 API is s3proxy keeping objects in files, so the heap figures are the step's (an in-memory S3 server in the
 * same JVM would hold both parts in the heap). With a small {@code -Xmx} the run itself shows that memory does not
 * grow with the part. The JSON line is in {@code predict-step/target/surefire-reports/*PredictBenchmarkRun-output.txt}.
 */
@EnabledIfSystemProperty(named = "benchmark.rows", matches = "\\d+")
class PredictBenchmarkRun {
    private static final String BUCKET = "predict-benchmark";

    @TempDir
    Path s3Directory;

    @Test
    void predictsThroughTheStepNearLightGbmsOwnBatchRate() throws Exception {
        int rows = Integer.parseInt(System.getProperty("benchmark.rows"));
        int batchRows = Integer.getInteger("benchmark.batch", PredictStep.DEFAULT_BATCH_ROWS);
        int threads = Integer.getInteger("benchmark.threads", LightGbmPredictor.DEFAULT_THREADS);
        int rounds = Integer.getInteger("benchmark.rounds", 3);
        Path modelDirectory =
                Path.of(System.getProperty("benchmark.model", "../local-runner/src/main/resources/demo-model"));
        ModelArtifact model = ModelFiles.read(modelDirectory);
        try (LocalS3 s3 = LocalS3.inDirectory(s3Directory)) {
            s3.createBucket(BUCKET);
            try (ObjectStore store = ObjectStore.create(new StorageSettings(
                    BUCKET,
                    BUCKET,
                    s3.region(),
                    Optional.of(s3.endpoint()),
                    Optional.of(new StorageSettings.AccessKeys(s3.accessKey(), s3.secretKey(), null))))) {
                PredictBenchmark.Figures figures =
                        PredictBenchmark.run(store, BUCKET, model, rows, batchRows, threads, rounds, 8);
                System.out.println(figures.json());
                assertEquals(rows, figures.rows());
            }
        }
    }
}
