package org.hmis.predictions.lightgbm;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_double;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_int;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_long_long;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_p_void;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_void;
import com.microsoft.ml.lightgbm.lightgbmlib;
import com.microsoft.ml.lightgbm.lightgbmlibConstants;
import java.util.List;
import org.hmis.predictions.common.features.FeatureListDifference;
import org.hmis.predictions.common.model.InvalidModelException;
import org.hmis.predictions.common.model.ModelManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LightGBM itself, a text model loaded into a booster of its C API: probabilities, raw scores, leaf indexes and
 * contributions ({@code predict_contrib}) of dense row-major doubles, {@code NaN} meaning missing. It is what training
 * checks the Java engine against, what the engine's parity tests and the benchmarks compare it with.
 *
 * <p>It calls the SWIG layer bundled in lightgbm4j directly because lightgbm4j 4.3.0-1's {@code predictForMat} and
 * {@code predictForMatSingleRow} size their output for two classes: a five-class model writes past the native buffer
 * (SIGSEGV or {@code free(): invalid next size}). Here every output is sized by {@code LGBM_BoosterCalcNumPredict}
 * and the length LightGBM reports is checked after every call.
 *
 * <p>{@link #predict} copies rows into a native buffer of at most {@code batchRows} rows, reused from call to call,
 * and predicts each batch with one {@code LGBM_BoosterPredictForMat} call (LightGBM spreads a batch over its OpenMP
 * threads). {@link #matrix} copies rows to native memory once, for timing LightGBM's call alone.
 *
 * <p>Thread-safety: {@link #predict} and {@link #close} are synchronized, so calls from several threads are safe but
 * run one at a time. Native memory is freed by {@link #close()}.
 */
public final class LightGbmBooster implements AutoCloseable {

    /** What to predict: LightGBM's {@code C_API_PREDICT_*} types. */
    public enum Output {
        /** Probabilities (or the objective's transformed output): one value per class. */
        NORMAL,
        /** Scores before the objective's transform: one value per class. */
        RAW_SCORE,
        /** Each tree's leaf: one value per tree. */
        LEAF_INDEX,
        /** Each feature's contribution and the expected value, class after class: {@code (features + 1) x classes}. */
        CONTRIB;

        /** Read when used: SWIG's constants come from the native library, which must be loaded first. */
        int code() {
            return switch (this) {
                case NORMAL -> lightgbmlibConstants.C_API_PREDICT_NORMAL;
                case RAW_SCORE -> lightgbmlibConstants.C_API_PREDICT_RAW_SCORE;
                case LEAF_INDEX -> lightgbmlibConstants.C_API_PREDICT_LEAF_INDEX;
                case CONTRIB -> lightgbmlibConstants.C_API_PREDICT_CONTRIB;
            };
        }
    }

    /** Rows per native call unless told otherwise: 10,000 rows x 49 features is about 4 MB of native memory. */
    public static final int DEFAULT_BATCH_ROWS = 10_000;

    /** Let LightGBM choose: one OpenMP thread per core. */
    public static final int DEFAULT_THREADS = 0;

    private static final Logger LOG = LoggerFactory.getLogger(LightGbmBooster.class);
    private static final String PROBLEM = LightGbmModelText.MODEL_FILE + " is not a LightGBM model: ";
    private static final String MISMATCH =
            LightGbmModelText.MODEL_FILE + " does not match " + ModelManifest.FILE_NAME + ": ";
    /** All iterations, predicted from the first. */
    private static final int START_ITERATION = 0;

    private static final int ALL_ITERATIONS = -1;
    private static final int ROW_MAJOR = 1;

    private final SWIGTYPE_p_void booster;
    private final int numFeatures;
    private final int numClasses;
    private final int batchRows;
    private final SWIGTYPE_p_long_long outputLength;

    private SWIGTYPE_p_double input;
    private SWIGTYPE_p_double output;
    private int inputRows;
    private long outputValues;
    private boolean closed;

    private LightGbmBooster(SWIGTYPE_p_void booster, int numFeatures, int numClasses, int batchRows) {
        this.booster = booster;
        this.numFeatures = numFeatures;
        this.numClasses = numClasses;
        this.batchRows = batchRows;
        this.outputLength = lightgbmlib.new_int64_tp();
    }

    /** Loads any LightGBM text model, with {@link #DEFAULT_BATCH_ROWS} rows per native call. */
    public static LightGbmBooster load(String modelText) {
        return open(modelText, DEFAULT_BATCH_ROWS);
    }

    /** Loads {@code model.txt} and checks it against its manifest, with {@link #DEFAULT_BATCH_ROWS} rows per call. */
    public static LightGbmBooster load(String modelText, ModelManifest manifest) {
        return load(modelText, manifest.features(), manifest.classLabels(), DEFAULT_BATCH_ROWS);
    }

    /**
     * Loads a model and checks that it reads exactly {@code features}, in order, and predicts
     * {@code classLabels.size()} classes.
     *
     * @param batchRows the most rows per native call, which bounds the native buffers
     */
    public static LightGbmBooster load(
            String modelText, List<String> features, List<String> classLabels, int batchRows) {
        LightGbmBooster loaded = open(modelText, batchRows);
        try {
            loaded.checkAgainst(features, classLabels);
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
        return loaded;
    }

    private static LightGbmBooster open(String modelText, int batchRows) {
        if (batchRows <= 0) {
            throw new IllegalArgumentException("batchRows should be positive, found " + batchRows);
        }
        LightGbmLibrary.ensureLoaded();
        LightGbmModelText.checkLayout(modelText);
        SWIGTYPE_p_p_void handle = lightgbmlib.new_voidpp();
        SWIGTYPE_p_int iterations = lightgbmlib.new_intp();
        SWIGTYPE_p_int count = lightgbmlib.new_intp();
        try {
            if (lightgbmlib.LGBM_BoosterLoadModelFromString(modelText, iterations, handle) != 0) {
                throw new InvalidModelException(PROBLEM + LightGbmLibrary.lastError());
            }
            SWIGTYPE_p_void booster = lightgbmlib.voidpp_value(handle);
            try {
                if (lightgbmlib.LGBM_BoosterGetNumFeature(booster, count) != 0) {
                    throw new InvalidModelException(PROBLEM + LightGbmLibrary.lastError());
                }
                int features = lightgbmlib.intp_value(count);
                if (lightgbmlib.LGBM_BoosterGetNumClasses(booster, count) != 0) {
                    throw new InvalidModelException(PROBLEM + LightGbmLibrary.lastError());
                }
                return new LightGbmBooster(booster, features, lightgbmlib.intp_value(count), batchRows);
            } catch (RuntimeException e) {
                lightgbmlib.LGBM_BoosterFree(booster);
                throw e;
            }
        } finally {
            lightgbmlib.delete_intp(count);
            lightgbmlib.delete_intp(iterations);
            lightgbmlib.delete_voidpp(handle);
        }
    }

    public int numFeatures() {
        return numFeatures;
    }

    /** Scores per row: {@code num_class} for the multiclass objectives, 1 for binary and regression. */
    public int numClasses() {
        return numClasses;
    }

    /** How many values {@code output} gives for each row. */
    public synchronized int valuesPerRow(Output output) {
        requireOpen();
        return (int) calcNumPredict(1, output);
    }

    /** LightGBM's output for the rows, on its default threads, in a new array of {@link #valuesPerRow} per row. */
    public double[] predict(double[] rowMajor, int rows, Output output) {
        double[] out = new double[Math.multiplyExact(rows, valuesPerRow(output))];
        predict(rowMajor, rows, output, DEFAULT_THREADS, out);
        return out;
    }

    /**
     * Predicts in batches of at most {@code batchRows} rows.
     *
     * @param rowMajor {@code rows x numFeatures()} values, row after row; {@code NaN} for a missing value; only the
     *     first {@code rows x numFeatures()} values are read
     * @param threads LightGBM's threads per call, or {@link #DEFAULT_THREADS} for one per core. Fewer threads than
     *     cores suit a container with a fractional CPU share, where OpenMP threads would wait on each other
     * @param out receives {@code rows x valuesPerRow(output)} values, row after row
     */
    public synchronized void predict(double[] rowMajor, int rows, Output output, int threads, double[] out) {
        requireOpen();
        if (rows < 0) {
            throw new IllegalArgumentException("rows should not be negative, found " + rows);
        }
        long inputValues = (long) rows * numFeatures;
        if (rowMajor.length < inputValues) {
            throw new IllegalArgumentException("rowMajor holds " + rowMajor.length + " values, but " + rows + " rows x "
                    + numFeatures + " features need " + inputValues);
        }
        int perRow = (int) calcNumPredict(1, output);
        long needed = (long) rows * perRow;
        if (out.length < needed) {
            throw new IllegalArgumentException("out holds " + out.length + " values, but " + rows + " rows x " + perRow
                    + " values (" + output + ") need " + needed);
        }
        String parameters = parameters(threads);
        for (int first = 0; first < rows; first += batchRows) {
            int batch = Math.min(batchRows, rows - first);
            ensureCapacity(batch, perRow);
            int values = batch * numFeatures;
            int inputStart = first * numFeatures;
            for (int i = 0; i < values; i++) {
                lightgbmlib.doubleArray_setitem(input, i, rowMajor[inputStart + i]);
            }
            predictForMat(input, batch, output, parameters, this.output, (long) batch * perRow);
            int outputStart = first * perRow;
            for (int i = 0; i < batch * perRow; i++) {
                out[outputStart + i] = lightgbmlib.doubleArray_getitem(this.output, i);
            }
        }
    }

    /** The index of the most probable class of one row of probabilities; a tie goes to the lower index. */
    public int mostLikelyClass(double[] probabilities, int row) {
        int first = row * numClasses;
        int best = 0;
        for (int c = 1; c < numClasses; c++) {
            if (probabilities[first + c] > probabilities[first + best]) {
                best = c;
            }
        }
        return best;
    }

    /** {@code rows} of {@code rowMajor} in native memory, for timing LightGBM's call alone; the caller closes it. */
    public synchronized Matrix matrix(double[] rowMajor, int rows, Output output) {
        requireOpen();
        return new Matrix(rowMajor, rows, output);
    }

    /** The rows copied to native memory once, with room for one kind of output: for timing LightGBM's call alone. */
    public final class Matrix implements AutoCloseable {

        private final int rows;
        private final Output kind;
        private final SWIGTYPE_p_double rowsIn;
        private final SWIGTYPE_p_double valuesOut;
        private final long expectedLength;

        private Matrix(double[] rowMajor, int rows, Output kind) {
            this.rows = rows;
            this.kind = kind;
            this.expectedLength = calcNumPredict(rows, kind);
            rowsIn = lightgbmlib.new_doubleArray((long) rows * numFeatures);
            for (int i = 0; i < rows * numFeatures; i++) {
                lightgbmlib.doubleArray_setitem(rowsIn, i, rowMajor[i]);
            }
            valuesOut = lightgbmlib.new_doubleArray(expectedLength);
        }

        /** One {@code LGBM_BoosterPredictForMat} call over all rows; {@code threads} 0 means LightGBM's default. */
        public void predict(int threads) {
            synchronized (LightGbmBooster.this) {
                requireOpen();
                predictForMat(rowsIn, rows, kind, parameters(threads), valuesOut, expectedLength);
            }
        }

        /** The values of the last {@link #predict}, row after row. */
        public double[] output() {
            double[] values = new double[(int) expectedLength];
            for (int i = 0; i < values.length; i++) {
                values[i] = lightgbmlib.doubleArray_getitem(valuesOut, i);
            }
            return values;
        }

        @Override
        public void close() {
            lightgbmlib.delete_doubleArray(rowsIn);
            lightgbmlib.delete_doubleArray(valuesOut);
        }
    }

    private void predictForMat(
            SWIGTYPE_p_double rowsIn,
            int rows,
            Output kind,
            String parameters,
            SWIGTYPE_p_double valuesOut,
            long expectedLength) {
        int rc = lightgbmlib.LGBM_BoosterPredictForMat(
                booster,
                lightgbmlib.double_to_voidp_ptr(rowsIn),
                lightgbmlibConstants.C_API_DTYPE_FLOAT64,
                rows,
                numFeatures,
                ROW_MAJOR,
                kind.code(),
                START_ITERATION,
                ALL_ITERATIONS,
                parameters,
                outputLength,
                valuesOut);
        if (rc != 0) {
            throw new IllegalStateException(
                    "LightGBM could not predict " + rows + " rows: " + LightGbmLibrary.lastError());
        }
        long produced = lightgbmlib.int64_tp_value(outputLength);
        if (produced != expectedLength) {
            throw new IllegalStateException("LightGBM returned " + produced + " values for " + rows + " rows, "
                    + expectedLength + " expected (" + kind + ")");
        }
    }

    private long calcNumPredict(int rows, Output kind) {
        if (lightgbmlib.LGBM_BoosterCalcNumPredict(
                        booster, rows, kind.code(), START_ITERATION, ALL_ITERATIONS, outputLength)
                != 0) {
            throw new IllegalStateException("LightGBM could not size its output: " + LightGbmLibrary.lastError());
        }
        return lightgbmlib.int64_tp_value(outputLength);
    }

    private static String parameters(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException(
                    "threads should be positive, or 0 for LightGBM's default, found " + threads);
        }
        return threads == DEFAULT_THREADS ? "" : "num_threads=" + threads;
    }

    /** Grows the native buffers, at most to {@code batchRows}, doubling so a slowly growing caller rarely pays. */
    private void ensureCapacity(int rows, int perRow) {
        if (rows > inputRows) {
            int grown = (int) Math.min(batchRows, Math.max(rows, 2L * inputRows));
            if (input != null) {
                lightgbmlib.delete_doubleArray(input);
            }
            input = lightgbmlib.new_doubleArray((long) grown * numFeatures);
            inputRows = grown;
        }
        long values = (long) rows * perRow;
        if (values > outputValues) {
            long grown = Math.min((long) batchRows * perRow, Math.max(values, 2L * outputValues));
            if (output != null) {
                lightgbmlib.delete_doubleArray(output);
            }
            output = lightgbmlib.new_doubleArray(grown);
            outputValues = grown;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this booster is closed");
        }
    }

    private void checkAgainst(List<String> features, List<String> classLabels) {
        if (numClasses != classLabels.size()) {
            throw new InvalidModelException(MISMATCH + "the model's class count is " + numClasses
                    + ", the manifest lists " + classLabels.size() + " classes " + classLabels);
        }
        List<String> modelFeatures = List.of(featureNames());
        FeatureListDifference difference = FeatureListDifference.between(features, modelFeatures);
        if (!difference.isEmpty()) {
            throw new InvalidModelException(MISMATCH + "the model's " + modelFeatures.size()
                    + " features differ from the manifest's " + features.size() + ": " + difference.describe());
        }
    }

    private String[] featureNames() {
        SWIGTYPE_p_void names = lightgbmlib.LGBM_BoosterGetFeatureNamesSWIG(booster);
        if (names == null) {
            throw new InvalidModelException(PROBLEM + "no feature names: " + LightGbmLibrary.lastError());
        }
        try {
            return lightgbmlib.StringArrayHandle_get_strings(names);
        } finally {
            lightgbmlib.StringArrayHandle_free(names);
        }
    }

    /** Frees the native buffers and the booster; later calls fail. Closing twice is harmless. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (input != null) {
            lightgbmlib.delete_doubleArray(input);
            input = null;
        }
        if (output != null) {
            lightgbmlib.delete_doubleArray(output);
            output = null;
        }
        lightgbmlib.delete_int64_tp(outputLength);
        if (lightgbmlib.LGBM_BoosterFree(booster) != 0) {
            LOG.warn("LightGBM could not free its booster: {}", LightGbmLibrary.lastError());
        }
    }
}
