package org.hmis.predictions.predict;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.csv.PredictionsCsv;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.model.ModelArtifact;
import org.hmis.predictions.common.model.ModelFiles;
import org.hmis.predictions.common.storage.ObjectMetadata;
import org.hmis.predictions.common.storage.ObjectStore;
import org.hmis.predictions.common.storage.ObjectUpload;
import org.hmis.predictions.common.storage.RunId;
import org.hmis.predictions.common.storage.RunKeys;
import org.hmis.predictions.common.synthetic.GuestGenerator;
import org.hmis.predictions.common.trigger.ObjectRef;
import org.hmis.predictions.common.trigger.TriggerJson;

/**
 * Measures the step against LightGBM's own batch rate on the same machine, model and rows. A wrangled part of
 * generated guests is put in the bucket (not timed); the step predicts it end to end, S3 download and upload, CSV
 * parsing and writing included, the model already loaded as in a warm container; then the same part is read into one
 * native matrix and predicted by a single {@code LGBM_BoosterPredictForMat} call ({@link LightGbmBatch}), the two
 * timed in turns and the fastest of each kept. Both
 * results must agree to 1e-9 on every probability, or the figures are refused.
 */
public final class PredictBenchmark {
    private PredictBenchmark() {}

    /**
     * What one benchmark run measured.
     *
     * @param rowsPerSecond the step's rate, end to end
     * @param referenceRowsPerSecond LightGBM's single batch call on the same rows
     * @param peakHeapBytes the heap's peak during the step (pools summed, garbage included)
     */
    public record Figures(
            long rows,
            int batchRows,
            int rounds,
            double seconds,
            double rowsPerSecond,
            double referenceSeconds,
            double referenceRowsPerSecond,
            long peakHeapBytes,
            long maxHeapBytes) {

        public double ratio() {
            return rowsPerSecond / referenceRowsPerSecond;
        }

        /** One JSON line, the shape every step's benchmark prints. */
        public String json() {
            ObjectNode line = TriggerJson.MAPPER.createObjectNode();
            line.put("step", PredictStep.STEP);
            line.put("rows", rows);
            line.put("seconds", round(seconds, 3));
            line.put("rows_per_s", Math.round(rowsPerSecond));
            line.put("reference", "lightgbm-batch");
            line.put("reference_rows_per_s", Math.round(referenceRowsPerSecond));
            line.put("ratio", round(ratio(), 3));
            line.put("peak_heap_mb", round(peakHeapBytes / 1048576.0, 1));
            line.put("batch_rows", batchRows);
            line.put("rounds", rounds);
            line.put("max_heap_mb", round(maxHeapBytes / 1048576.0, 1));
            return line.toString();
        }

        private static double round(double value, int decimals) {
            double scale = Math.pow(10, decimals);
            return Math.round(value * scale) / scale;
        }
    }

    /**
     * Runs the measurement in {@code bucket}, leaving the part and its predictions there.
     *
     * @param threads LightGBM threads for both, 0 for one per core
     * @param rounds how many times each is timed, taking turns; the figures are the fastest of each
     */
    public static Figures run(
            ObjectStore store,
            String bucket,
            ModelArtifact model,
            int rows,
            int batchRows,
            int threads,
            int rounds,
            long seed) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds should be at least 1, found " + rounds);
        }
        String modelName = model.manifest().modelName();
        ModelFiles.upload(model, store, bucket);
        String key = RunKeys.wrangledPart(RunId.newRun(), 0).key();
        putWrangledPart(store, bucket, key, rows, seed);
        ObjectRef wrangled = new ObjectRef(bucket, key);

        try (CurrentModel current = new CurrentModel(store, bucket, modelName, FeatureSpec.V1, batchRows, threads);
                LightGbmBatch batch = readBatch(store, wrangled, rows, model)) {
            current.get();
            PredictStep step = new PredictStep(store, bucket, current, FeatureSpec.V1, batchRows);
            double seconds = Double.MAX_VALUE;
            double referenceSeconds = Double.MAX_VALUE;
            long peakHeap = 0;
            PredictStep.PartResult result = null;
            LightGbmBatch.Prediction reference = null;
            // Turn about, best of each: on a shared machine a slow pass says more about the neighbours than the code.
            for (int round = 0; round < rounds; round++) {
                // The last round's probabilities are not the step's memory.
                reference = null;
                resetHeapPeaks();
                long started = System.nanoTime();
                result = step.predict(wrangled);
                seconds = Math.min(seconds, (System.nanoTime() - started) / 1e9);
                peakHeap = Math.max(peakHeap, heapPeaks());
                reference = batch.predict(model.modelText(), threads);
                referenceSeconds = Math.min(referenceSeconds, reference.seconds());
            }
            requireSamePredictions(store, bucket, result.predictions(), reference);
            return new Figures(
                    result.rows(),
                    batchRows,
                    rounds,
                    seconds,
                    result.rows() / seconds,
                    referenceSeconds,
                    reference.rows() / referenceSeconds,
                    peakHeap,
                    Runtime.getRuntime().maxMemory());
        }
    }

    private static void putWrangledPart(ObjectStore store, String bucket, String key, int rows, long seed) {
        GuestGenerator generator = GuestGenerator.builder()
                .seed(seed)
                .asOf(java.time.LocalDate.of(2026, 11, 23))
                .build();
        try (ObjectUpload upload = store.upload(bucket, key)) {
            long written = SyntheticWrangledPart.write(generator, rows, FeatureSpec.V1, upload);
            upload.commit(Map.of(
                    ObjectMetadata.FEATURE_SPEC_VERSION,
                    FeatureSpec.V1.version(),
                    ObjectMetadata.ROWS,
                    Long.toString(written)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the benchmark's wrangled part", e);
        }
    }

    private static LightGbmBatch readBatch(ObjectStore store, ObjectRef wrangled, int rows, ModelArtifact model) {
        try (InputStream in = store.open(wrangled.bucket(), wrangled.key())) {
            return LightGbmBatch.read(in, wrangled.toString(), model.manifest().features(), rows);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + wrangled, e);
        }
    }

    private static void requireSamePredictions(
            ObjectStore store, String bucket, String predictionsUri, LightGbmBatch.Prediction reference) {
        String key = predictionsUri.substring(("s3://" + bucket + "/").length());
        int numClasses = reference.numClasses();
        try (PredictionsCsv.CsvReader reader = new PredictionsCsv.CsvReader(
                new InputStreamReader(store.open(bucket, key), StandardCharsets.UTF_8), predictionsUri)) {
            int row = 0;
            for (PredictionsCsv.Row predicted = reader.next(); predicted != null; predicted = reader.next(), row++) {
                for (int c = 0; c < numClasses; c++) {
                    double expected = reference.probabilities()[row * numClasses + c];
                    if (Math.abs(predicted.probabilities()[c] - expected) > 1e-9) {
                        throw new IllegalStateException("row " + row + " class " + c + ": the step predicted "
                                + predicted.probabilities()[c] + ", LightGBM " + expected);
                    }
                }
            }
            if (row != reference.rows()) {
                throw new IllegalStateException(
                        "the step wrote " + row + " rows, LightGBM predicted " + reference.rows());
            }
        }
    }

    private static void resetHeapPeaks() {
        System.gc();
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long heapPeaks() {
        return heapPools().stream()
                .mapToLong(pool -> pool.getPeakUsage().getUsed())
                .sum();
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .toList();
    }
}
