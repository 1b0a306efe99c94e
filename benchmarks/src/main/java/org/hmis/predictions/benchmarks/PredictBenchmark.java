package org.hmis.predictions.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.csv.PredictionsCsv;
import org.hmis.predictions.common.csv.WrangledCsv;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.features.FeatureQuery;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.features.GuestFeatures;
import org.hmis.predictions.common.features.RejectedRowException;
import org.hmis.predictions.common.run.ObjectMetadata;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.common.s3.ObjectUpload;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.lightgbm.LightGbmBooster;
import org.hmis.predictions.predict.PredictStep;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.SyntheticWrangledPart;
import org.hmis.predictions.training.FeatureMatrix;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.training.StoredModel;
import org.hmis.predictions.trees.TreeEnsemble;
import org.hmis.predictions.trees.WorkerPool;

/**
 * Predict beside LightGBM itself, on the same machine, model and rows, in one run:
 * <ul>
 *   <li>{@code predict}: the step end to end (S3 download and upload, CSV parsing and writing, the model already
 *       loaded as in a warm container) against one {@code LGBM_BoosterPredictForMat} call over the same rows held in
 *       native memory, on LightGBM's default threads (one per core; the step uses a parsing and a predicting thread);
 *   <li>{@code engine}: the Java engine alone on the same in-memory matrix against that same LightGBM call, with the
 *       same number of threads on both sides;
 *   <li>{@code explain}: the exact per-feature contributions to the {@code perm} class, which the reasons shown to
 *       case workers come from, against LightGBM's contribution call ({@code predict_contrib}, which computes every
 *       class: LightGBM has no call for one), on a sample of rows, same threads; the engine's all-class rate is in
 *       the line too.
 * </ul>
 * Each pair is timed in turns and the fastest of each kept. The step's and the engine's probabilities must equal
 * LightGBM's within 1e-15 and the contributions within 1e-9, or the figures are refused.
 */
public final class PredictBenchmark {
    /** Rows the contributions are timed on: LightGBM's call runs at a few hundred rows a second. */
    static final int EXPLAIN_ROWS = 2_000;

    private static final String PERM = "perm";

    private PredictBenchmark() {}

    /**
     * Runs the measurements in the configuration's input bucket, leaving the part and its predictions there.
     *
     * @param model uploaded as {@code config}'s model first
     * @param database holds the current guests a household specification's part is read from (a guest
     *     specification's part is generated)
     * @param rounds how many times each is timed, taking turns; the figures are the fastest of each
     * @return the predict, engine and explain lines
     */
    public static List<BenchLine> run(
            PipelineConfig config,
            Database database,
            ObjectStore store,
            StoredModel model,
            int rows,
            int rounds,
            long seed)
            throws IOException, SQLException {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds should be at least 1, found " + rounds);
        }
        if (!model.manifest().modelName().equals(config.modelName())) {
            throw new IllegalArgumentException("the model is named "
                    + model.manifest().modelName() + " but the configuration predicts with " + config.modelName());
        }
        String bucket = config.storage().inputBucket();
        ModelFiles.upload(model, store, bucket);
        String key = RunKeys.wrangledPart(RunId.newRun(), 0).key();
        FeatureSpec spec = FeatureSpec.forVersion(model.manifest().featureSpecVersion());
        if (spec.unit() == FeatureSpec.Unit.GUEST) {
            putWrangledPart(store, bucket, key, rows, seed, spec);
        } else {
            putCurrentGuestsPart(database, config.guestsTable(), store, bucket, key, spec);
        }
        ObjectRef wrangled = new ObjectRef(bucket, key);
        FeatureMatrix matrix;
        try (InputStream in = store.open(bucket, key)) {
            matrix = FeatureMatrix.readWrangled(
                    in, wrangled.toString(), model.manifest().features());
        }
        int threads = Runtime.getRuntime().availableProcessors();
        try (LightGbmBooster lightGbm = LightGbmBooster.load(model.modelText());
                WorkerPool workers = WorkerPool.create(threads)) {
            TreeEnsemble trees = TreeEnsemble.parse(model.modelText());
            BenchLine explain = explain(
                    trees,
                    lightGbm,
                    matrix,
                    workers,
                    model.manifest().classLabels().indexOf(PERM),
                    rounds);
            BenchLine predict = step(
                    PredictStep.STEP,
                    config.with(PipelineConfig.EXPLAIN, "false"),
                    store,
                    wrangled,
                    lightGbm,
                    matrix,
                    rounds,
                    OptionalDouble.empty());
            BenchLine explained = step(
                    PredictStep.STEP + "_explained",
                    config.with(PipelineConfig.EXPLAIN, "true"),
                    store,
                    wrangled,
                    lightGbm,
                    matrix,
                    rounds,
                    OptionalDouble.of(explain.referenceRowsPerSecond()));
            return List.of(predict, explained, engine(trees, lightGbm, matrix, workers, rounds), explain);
        }
    }

    /**
     * The whole step on the part, against LightGBM's batch call on the same matrix; with explanations, against that
     * call and LightGBM's contributions (at {@code contribRowsPerSecond}, measured by {@link #explain}) together.
     */
    private static BenchLine step(
            String name,
            PipelineConfig config,
            ObjectStore store,
            ObjectRef wrangled,
            LightGbmBooster lightGbm,
            FeatureMatrix matrix,
            int rounds,
            OptionalDouble contribRowsPerSecond) {
        PredictStep step = PredictStep.from(config, store);
        // As in a warm container: the model is loaded and the code compiled before the timed rounds.
        step.predict(wrangled);
        try (LightGbmBooster.Matrix reference =
                lightGbm.matrix(matrix.rowMajor(), matrix.rows(), LightGbmBooster.Output.NORMAL)) {
            double seconds = Double.MAX_VALUE;
            double referenceSeconds = Double.MAX_VALUE;
            HeapPeak.Figures heap = new HeapPeak.Figures(0, 0);
            PredictStep.PartResult result = null;
            // Turn about, best of each: on a shared machine a slow pass says more about the neighbours than the code.
            for (int round = 0; round < rounds; round++) {
                try (HeapPeak watch = HeapPeak.start()) {
                    long started = System.nanoTime();
                    result = step.predict(wrangled);
                    seconds = Math.min(seconds, (System.nanoTime() - started) / 1e9);
                    heap = heap.max(watch.figures());
                }
                long started = System.nanoTime();
                reference.predict(0);
                referenceSeconds = Math.min(referenceSeconds, (System.nanoTime() - started) / 1e9);
            }
            requireSamePredictions(store, result.predictions(), reference.output());
            double batchRate = matrix.rows() / referenceSeconds;
            if (contribRowsPerSecond.isEmpty()) {
                return BenchLine.of(name, result.rows(), seconds)
                        .reference("lightgbm-batch", batchRate)
                        .heap(heap)
                        .put("explained", Boolean.toString(result.explained()))
                        .put("rounds", rounds);
            }
            return BenchLine.of(name, result.rows(), seconds)
                    .reference("lightgbm-batch+contrib", 1 / (1 / batchRate + 1 / contribRowsPerSecond.getAsDouble()))
                    .heap(heap)
                    .put("explained", Boolean.toString(result.explained()))
                    .put("rounds", rounds);
        }
    }

    private static BenchLine engine(
            TreeEnsemble trees, LightGbmBooster lightGbm, FeatureMatrix matrix, WorkerPool workers, int rounds) {
        double[] probabilities = new double[matrix.rows() * trees.numClasses()];
        try (LightGbmBooster.Matrix reference =
                lightGbm.matrix(matrix.rowMajor(), matrix.rows(), LightGbmBooster.Output.NORMAL)) {
            trees.predict(matrix.rowMajor(), matrix.rows(), probabilities, workers);
            double seconds = Double.MAX_VALUE;
            double referenceSeconds = Double.MAX_VALUE;
            for (int round = 0; round < rounds; round++) {
                long started = System.nanoTime();
                trees.predict(matrix.rowMajor(), matrix.rows(), probabilities, workers);
                seconds = Math.min(seconds, (System.nanoTime() - started) / 1e9);
                started = System.nanoTime();
                reference.predict(workers.workers());
                referenceSeconds = Math.min(referenceSeconds, (System.nanoTime() - started) / 1e9);
            }
            requireClose("probability", probabilities, reference.output(), 1e-15);
            return BenchLine.of("engine", matrix.rows(), seconds)
                    .reference("lightgbm-batch", matrix.rows() / referenceSeconds)
                    .put("threads", workers.workers())
                    .put("rounds", rounds);
        }
    }

    private static BenchLine explain(
            TreeEnsemble trees,
            LightGbmBooster lightGbm,
            FeatureMatrix matrix,
            WorkerPool workers,
            int classIndex,
            int rounds) {
        int rows = Math.min(EXPLAIN_ROWS, matrix.rows());
        int perClass = trees.numFeatures() + 1;
        double[] perm = new double[rows * perClass];
        double[] all = new double[rows * trees.contributionsPerRow()];
        try (LightGbmBooster.Matrix reference =
                lightGbm.matrix(matrix.rowMajor(), rows, LightGbmBooster.Output.CONTRIB)) {
            trees.classContributions(matrix.rowMajor(), rows, classIndex, perm, workers);
            double seconds = Double.MAX_VALUE;
            double allSeconds = Double.MAX_VALUE;
            double referenceSeconds = Double.MAX_VALUE;
            for (int round = 0; round < rounds; round++) {
                long started = System.nanoTime();
                trees.classContributions(matrix.rowMajor(), rows, classIndex, perm, workers);
                seconds = Math.min(seconds, (System.nanoTime() - started) / 1e9);
                started = System.nanoTime();
                trees.contributions(matrix.rowMajor(), rows, all, workers);
                allSeconds = Math.min(allSeconds, (System.nanoTime() - started) / 1e9);
                started = System.nanoTime();
                reference.predict(workers.workers());
                referenceSeconds = Math.min(referenceSeconds, (System.nanoTime() - started) / 1e9);
            }
            double[] expected = reference.output();
            requireClose("contribution", all, expected, 1e-9);
            double[] expectedPerm = new double[perm.length];
            for (int row = 0; row < rows; row++) {
                System.arraycopy(
                        expected,
                        row * trees.contributionsPerRow() + classIndex * perClass,
                        expectedPerm,
                        row * perClass,
                        perClass);
            }
            requireClose("perm contribution", perm, expectedPerm, 1e-9);
            double referenceRate = rows / referenceSeconds;
            return BenchLine.of("explain", rows, seconds)
                    .reference("lightgbm-contrib", referenceRate)
                    .put("classes", PERM)
                    .put("all_classes_rows_per_s", Math.round(rows / allSeconds))
                    .put("all_classes_ratio", rows / allSeconds / referenceRate, 3)
                    .put("threads", workers.workers())
                    .put("rounds", rounds);
        }
    }

    private static void putWrangledPart(
            ObjectStore store, String bucket, String key, int rows, long seed, FeatureSpec spec) {
        GuestGenerator generator = GuestGenerator.builder()
                .seed(seed)
                .asOf(java.time.LocalDate.of(2026, 11, 23))
                .build();
        try (ObjectUpload upload = store.upload(bucket, key)) {
            long written = SyntheticWrangledPart.write(generator, rows, spec, upload);
            upload.commit(Map.of(
                    ObjectMetadata.FEATURE_SPEC_VERSION, spec.version(), ObjectMetadata.ROWS, Long.toString(written)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the benchmark's wrangled part", e);
        }
    }

    /** A household specification's features are the server's aggregates: the part is the current guests' rows. */
    private static void putCurrentGuestsPart(
            Database database,
            SqlIdentifier guestsTable,
            ObjectStore store,
            String bucket,
            String key,
            FeatureSpec spec)
            throws IOException, SQLException {
        GuestFeatures features = new GuestFeatures(spec);
        int width = features.inputColumns().size();
        try (Connection c = database.connection();
                Statement statement = c.createStatement();
                ResultSet rs = statement.executeQuery(FeatureQuery.currentGuests(guestsTable, spec));
                ObjectUpload upload = store.upload(bucket, key)) {
            WrangledCsv.RowWriter writer = WrangledCsv.writer(upload, spec.featureNames());
            String[] row = new String[width];
            double[] values = new double[spec.size()];
            while (rs.next()) {
                for (int i = 0; i < width; i++) {
                    row[i] = rs.getString(i + 1);
                }
                try {
                    writer.write(features.encode(row, values), values);
                } catch (RejectedRowException e) {
                    throw new IllegalStateException("a generated guest has a malformed key: " + e.getMessage(), e);
                }
            }
            writer.flush();
            upload.commit(Map.of(
                    ObjectMetadata.FEATURE_SPEC_VERSION,
                    spec.version(),
                    ObjectMetadata.ROWS,
                    Long.toString(writer.rowCount())));
        }
    }

    private static void requireSamePredictions(ObjectStore store, ObjectRef predictions, double[] reference) {
        int numClasses = PredictionsCsv.CLASSES.size();
        try (PredictionsCsv.CsvReader reader = new PredictionsCsv.CsvReader(
                new InputStreamReader(store.open(predictions.bucket(), predictions.key()), StandardCharsets.UTF_8),
                predictions.toString(),
                PredictionsCsv.FORMAT)) {
            int row = 0;
            for (PredictionsCsv.Row predicted = reader.next(); predicted != null; predicted = reader.next(), row++) {
                for (int c = 0; c < numClasses; c++) {
                    double expected = reference[row * numClasses + c];
                    if (Math.abs(predicted.probabilities()[c] - expected) > 1e-15) {
                        throw new IllegalStateException("row " + row + " class " + c + ": the step predicted "
                                + predicted.probabilities()[c] + ", LightGBM " + expected);
                    }
                }
            }
            if (row * numClasses != reference.length) {
                throw new IllegalStateException(
                        "the step wrote " + row + " rows, LightGBM predicted " + reference.length / numClasses);
            }
        }
    }

    private static void requireClose(String what, double[] actual, double[] expected, double tolerance) {
        if (actual.length != expected.length) {
            throw new IllegalStateException(actual.length + " " + what + " values, LightGBM gave " + expected.length);
        }
        for (int i = 0; i < actual.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
                throw new IllegalStateException(what + " " + i + ": the engine gave " + actual[i] + ", LightGBM "
                        + expected[i] + ": the figures would compare different work");
            }
        }
    }
}
