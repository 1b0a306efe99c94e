package org.hmis.predictions.common.model;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_double;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_long_long;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_void;
import com.microsoft.ml.lightgbm.lightgbmlib;
import com.microsoft.ml.lightgbm.lightgbmlibConstants;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

/**
 * Measures {@link LightGbmPredictor} against LightGBM's own batch rate: the same rows once through the predictor
 * in batches, once as a single {@code LGBM_BoosterPredictForMat} call over all of them. Rows are generated
 * (counts 0 to 11, 5% missing), outside the timed sections; both passes see the same rows and must agree on the
 * most likely class of every row.
 */
public final class ModelBenchmark {

    private static final double MISSING_SHARE = 0.05;

    private ModelBenchmark() {}

    /**
     * What one measurement found.
     *
     * @param rows rows predicted by each pass
     * @param numFeatures features per row
     * @param batchRows rows per predictor call
     * @param threads LightGBM threads, 0 for its default
     * @param loadSeconds time to load and check the model
     * @param predictorSeconds time inside {@link LightGbmPredictor#predict}, copies into and out of native memory
     *     included
     * @param predictorCpuSeconds CPU time of the process over the same stretches: steadier than wall time on a
     *     shared machine, though it counts OpenMP threads spinning while they wait
     * @param lightGbmSeconds time of the single native call, copies excluded
     * @param lightGbmCpuSeconds CPU time of the process during that call
     * @param predictorPeakHeapBytes peak heap while the predictor ran, the JVM's other live objects included
     * @param lightGbmNativeBytes native memory the single call needs for its input and output
     * @param predictedClassCounts rows per most likely class, the same for both passes
     */
    public record Figures(
            int rows,
            int numFeatures,
            int batchRows,
            int threads,
            double loadSeconds,
            double predictorSeconds,
            double predictorCpuSeconds,
            double lightGbmSeconds,
            double lightGbmCpuSeconds,
            long predictorPeakHeapBytes,
            long lightGbmNativeBytes,
            List<Long> predictedClassCounts) {

        public double predictorRowsPerSecond() {
            return rows / predictorSeconds;
        }

        public double lightGbmRowsPerSecond() {
            return rows / lightGbmSeconds;
        }

        /** Lines for a person to read. */
        public String summary() {
            return String.format("model load and check: %.2f s%n", loadSeconds)
                    + String.format(
                            "LightGbmPredictor: %,d rows x %d features in batches of %,d, %s: "
                                    + "%.2f s (%.2f s CPU), %,.0f rows/s, peak heap %,d MB%n",
                            rows,
                            numFeatures,
                            batchRows,
                            threadsText(),
                            predictorSeconds,
                            predictorCpuSeconds,
                            predictorRowsPerSecond(),
                            predictorPeakHeapBytes >> 20)
                    + String.format(
                            "LightGBM, one LGBM_BoosterPredictForMat call: %.2f s (%.2f s CPU), %,.0f rows/s, "
                                    + "%,d MB native%n",
                            lightGbmSeconds, lightGbmCpuSeconds, lightGbmRowsPerSecond(), lightGbmNativeBytes >> 20)
                    + String.format(
                            "predictor rate / LightGBM rate: %.1f%% by wall time, %.1f%% by CPU time; "
                                    + "rows per class %s%n",
                            100 * lightGbmSeconds / predictorSeconds,
                            100 * lightGbmCpuSeconds / predictorCpuSeconds,
                            predictedClassCounts);
        }

        private String threadsText() {
            return threads == LightGbmPredictor.DEFAULT_THREADS ? "LightGBM's default threads" : threads + " thread(s)";
        }
    }

    /**
     * Predicts {@code rows} generated rows both ways.
     *
     * @param threads LightGBM threads for both passes, 0 for its default
     */
    public static Figures measure(ModelArtifact model, int rows, int batchRows, int threads, long seed) {
        ModelManifest manifest = model.manifest();
        int numFeatures = manifest.features().size();
        int numClasses = manifest.classLabels().size();

        long loadStart = System.nanoTime();
        LightGbmPredictor predictor = LightGbmPredictor.load(model.modelText(), manifest, batchRows, threads);
        double loadSeconds = seconds(System.nanoTime() - loadStart);

        long[] predictorCounts = new long[numClasses];
        double predictorSeconds;
        double predictorCpuSeconds;
        long peakHeap;
        try (predictor) {
            SplittableRandom random = new SplittableRandom(seed);
            double[] batch = new double[batchRows * numFeatures];
            double[] probabilities = new double[batchRows * numClasses];
            resetHeapPeaks();
            long predicting = 0;
            long predictingCpu = 0;
            for (int first = 0; first < rows; first += batchRows) {
                int count = Math.min(batchRows, rows - first);
                for (int i = 0; i < count * numFeatures; i++) {
                    batch[i] = nextValue(random);
                }
                long start = System.nanoTime();
                long startCpu = processCpuNanos();
                predictor.predict(batch, count, probabilities);
                predicting += System.nanoTime() - start;
                predictingCpu += processCpuNanos() - startCpu;
                for (int row = 0; row < count; row++) {
                    predictorCounts[predictor.mostLikelyClass(probabilities, row)]++;
                }
            }
            predictorSeconds = seconds(predicting);
            predictorCpuSeconds = seconds(predictingCpu);
            peakHeap = heapPeaks();
        }

        long[] lightGbmCounts = new long[numClasses];
        Timing lightGbm =
                predictAllAtOnce(model.modelText(), rows, numFeatures, numClasses, threads, seed, lightGbmCounts);
        if (!Arrays.equals(predictorCounts, lightGbmCounts)) {
            throw new IllegalStateException("the predictor's classes " + Arrays.toString(predictorCounts)
                    + " differ from LightGBM's " + Arrays.toString(lightGbmCounts));
        }
        long nativeBytes = (long) rows * (numFeatures + numClasses) * Double.BYTES;
        return new Figures(
                rows,
                numFeatures,
                batchRows,
                threads,
                loadSeconds,
                predictorSeconds,
                predictorCpuSeconds,
                lightGbm.wallSeconds(),
                lightGbm.cpuSeconds(),
                peakHeap,
                nativeBytes,
                LongStream.of(predictorCounts).boxed().toList());
    }

    private record Timing(double wallSeconds, double cpuSeconds) {}

    private static Timing predictAllAtOnce(
            String modelText, int rows, int numFeatures, int numClasses, int threads, long seed, long[] classCounts) {
        SWIGTYPE_p_void booster = LightGbmPredictor.loadBooster(modelText);
        SWIGTYPE_p_double input = null;
        SWIGTYPE_p_double output = null;
        SWIGTYPE_p_long_long outputLength = lightgbmlib.new_int64_tp();
        try {
            SplittableRandom random = new SplittableRandom(seed);
            long values = (long) rows * numFeatures;
            input = lightgbmlib.new_doubleArray(values);
            for (long i = 0; i < values; i++) {
                lightgbmlib.doubleArray_setitem(input, i, nextValue(random));
            }
            int probabilities = lightgbmlibConstants.C_API_PREDICT_NORMAL;
            check(lightgbmlib.LGBM_BoosterCalcNumPredict(booster, rows, probabilities, 0, -1, outputLength));
            long outputValues = lightgbmlib.int64_tp_value(outputLength);
            output = lightgbmlib.new_doubleArray(outputValues);
            long start = System.nanoTime();
            long startCpu = processCpuNanos();
            check(lightgbmlib.LGBM_BoosterPredictForMat(
                    booster,
                    lightgbmlib.double_to_voidp_ptr(input),
                    lightgbmlibConstants.C_API_DTYPE_FLOAT64,
                    rows,
                    numFeatures,
                    1,
                    probabilities,
                    0,
                    -1,
                    threads == LightGbmPredictor.DEFAULT_THREADS ? "" : "num_threads=" + threads,
                    outputLength,
                    output));
            Timing elapsed = new Timing(seconds(System.nanoTime() - start), seconds(processCpuNanos() - startCpu));
            for (long row = 0; row < rows; row++) {
                int best = 0;
                for (int c = 1; c < numClasses; c++) {
                    if (lightgbmlib.doubleArray_getitem(output, row * numClasses + c)
                            > lightgbmlib.doubleArray_getitem(output, row * numClasses + best)) {
                        best = c;
                    }
                }
                classCounts[best]++;
            }
            return elapsed;
        } finally {
            if (input != null) {
                lightgbmlib.delete_doubleArray(input);
            }
            if (output != null) {
                lightgbmlib.delete_doubleArray(output);
            }
            lightgbmlib.delete_int64_tp(outputLength);
            lightgbmlib.LGBM_BoosterFree(booster);
        }
    }

    private static double nextValue(SplittableRandom random) {
        return random.nextDouble() < MISSING_SHARE ? Double.NaN : random.nextInt(12);
    }

    private static void check(int rc) {
        if (rc != 0) {
            throw new IllegalStateException("LightGBM failed: " + LightGbmLibrary.lastError());
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

    private static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
