package org.hmis.predictions.training;

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
import org.hmis.predictions.common.model.ModelArtifact;
import org.hmis.predictions.common.model.ModelManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Class probabilities from a LightGBM text model, in batches, through LightGBM's C API.
 *
 * <p>It calls the SWIG layer bundled in lightgbm4j directly because lightgbm4j 4.3.0-1's {@code predictForMat}
 * and {@code predictForMatSingleRow} size their output for two classes: a five-class model writes past the
 * native buffer (SIGSEGV or {@code free(): invalid next size}). Here the output is sized by
 * {@code LGBM_BoosterCalcNumPredict} and the length LightGBM reports is checked after every call.
 *
 * <p>Rows are copied into a native buffer of at most {@code batchRows} rows, reused from call to call, and
 * predicted with one {@code LGBM_BoosterPredictForMat} call per batch (LightGBM spreads a batch over its OpenMP
 * threads). {@code NaN} means missing. Native memory is freed by {@link #close()}.
 *
 * <p>Thread-safety: methods are synchronized, so calls from several threads are safe but run one at a time. The
 * intended use is one predictor per container (loaded once, used by every invocation), closed at shutdown.
 */
public final class LightGbmPredictor implements AutoCloseable {

    /** Rows per native call unless told otherwise: 10,000 rows x 49 features is about 4 MB of native memory. */
    public static final int DEFAULT_BATCH_ROWS = 10_000;

    /** Let LightGBM choose: one OpenMP thread per core. */
    public static final int DEFAULT_THREADS = 0;

    private static final Logger LOG = LoggerFactory.getLogger(LightGbmPredictor.class);
    private static final String PROBLEM = ModelArtifact.MODEL_FILE_NAME + " is not a LightGBM model: ";
    private static final String MISMATCH =
            ModelArtifact.MODEL_FILE_NAME + " does not match " + ModelManifest.FILE_NAME + ": ";
    /** All iterations, predicted from the first. */
    private static final int START_ITERATION = 0;

    private static final int ALL_ITERATIONS = -1;
    private static final int ROW_MAJOR = 1;

    private final SWIGTYPE_p_void booster;
    private final List<String> featureNames;
    private final List<String> classLabels;
    private final int numFeatures;
    private final int numClasses;
    private final int batchRows;
    private final String predictParameters;
    private final SWIGTYPE_p_long_long outputLength;

    private SWIGTYPE_p_double input;
    private SWIGTYPE_p_double output;
    private int capacityRows;
    private boolean closed;

    private LightGbmPredictor(
            SWIGTYPE_p_void booster, List<String> featureNames, List<String> classLabels, int batchRows, int threads) {
        this.booster = booster;
        this.featureNames = featureNames;
        this.classLabels = classLabels;
        this.numFeatures = featureNames.size();
        this.numClasses = classLabels.size();
        this.batchRows = batchRows;
        this.predictParameters = threads == DEFAULT_THREADS ? "" : "num_threads=" + threads;
        this.outputLength = lightgbmlib.new_int64_tp();
    }

    /**
     * Loads {@code model.txt} and checks it against its manifest, with {@link #DEFAULT_BATCH_ROWS} rows per call on
     * LightGBM's default threads.
     */
    public static LightGbmPredictor load(String modelText, ModelManifest manifest) {
        return load(modelText, manifest, DEFAULT_BATCH_ROWS, DEFAULT_THREADS);
    }

    /**
     * Loads {@code model.txt} and checks it against its manifest.
     *
     * @param batchRows the most rows per native call, which bounds the native buffers
     * @param threads LightGBM's threads per call, or {@link #DEFAULT_THREADS} for one per core. Fewer threads than
     *     cores suit a container with a fractional CPU share, where OpenMP threads would wait on each other
     */
    public static LightGbmPredictor load(String modelText, ModelManifest manifest, int batchRows, int threads) {
        return load(modelText, manifest.features(), manifest.classLabels(), batchRows, threads);
    }

    /**
     * Loads a model and checks that it reads exactly {@code features}, in order, and predicts
     * {@code classLabels.size()} classes.
     */
    public static LightGbmPredictor load(
            String modelText, List<String> features, List<String> classLabels, int batchRows, int threads) {
        if (batchRows <= 0) {
            throw new IllegalArgumentException("batchRows should be positive, found " + batchRows);
        }
        if (threads < 0) {
            throw new IllegalArgumentException(
                    "threads should be positive, or 0 for LightGBM's default, found " + threads);
        }
        LightGbmLibrary.ensureLoaded();
        LightGbmModelText.checkLayout(modelText);
        SWIGTYPE_p_void booster = loadBooster(modelText);
        try {
            checkAgainstManifest(booster, features, classLabels);
        } catch (RuntimeException e) {
            lightgbmlib.LGBM_BoosterFree(booster);
            throw e;
        }
        return new LightGbmPredictor(booster, List.copyOf(features), List.copyOf(classLabels), batchRows, threads);
    }

    public int numFeatures() {
        return numFeatures;
    }

    public int numClasses() {
        return numClasses;
    }

    /** Feature names in the order {@link #predict} expects their columns. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** Class labels in the order of each row's probabilities. */
    public List<String> classLabels() {
        return classLabels;
    }

    /**
     * Predicts class probabilities.
     *
     * @param rowMajor {@code rows x numFeatures()} values, row after row; {@code NaN} for a missing value; only the
     *     first {@code rows x numFeatures()} values are read
     * @param rows how many rows to predict
     * @param out receives {@code rows x numClasses()} probabilities, row after row, in {@link #classLabels()} order
     */
    public synchronized void predict(double[] rowMajor, int rows, double[] out) {
        if (closed) {
            throw new IllegalStateException("this predictor is closed");
        }
        if (rows < 0) {
            throw new IllegalArgumentException("rows should not be negative, found " + rows);
        }
        long inputValues = (long) rows * numFeatures;
        if (rowMajor.length < inputValues) {
            throw new IllegalArgumentException("rowMajor holds " + rowMajor.length + " values, but " + rows + " rows x "
                    + numFeatures + " features need " + inputValues);
        }
        long outputValues = (long) rows * numClasses;
        if (out.length < outputValues) {
            throw new IllegalArgumentException("out holds " + out.length + " values, but " + rows + " rows x "
                    + numClasses + " classes need " + outputValues);
        }
        for (int first = 0; first < rows; first += batchRows) {
            predictBatch(rowMajor, first, Math.min(batchRows, rows - first), out);
        }
    }

    /** The index of the most probable class of one row of {@link #predict}'s output; a tie goes to the lower index. */
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

    private void predictBatch(double[] rowMajor, int firstRow, int rows, double[] out) {
        ensureCapacity(rows);
        int inputValues = rows * numFeatures;
        int inputStart = firstRow * numFeatures;
        for (int i = 0; i < inputValues; i++) {
            lightgbmlib.doubleArray_setitem(input, i, rowMajor[inputStart + i]);
        }
        int rc = lightgbmlib.LGBM_BoosterPredictForMat(
                booster,
                lightgbmlib.double_to_voidp_ptr(input),
                lightgbmlibConstants.C_API_DTYPE_FLOAT64,
                rows,
                numFeatures,
                ROW_MAJOR,
                predictProbabilities(),
                START_ITERATION,
                ALL_ITERATIONS,
                predictParameters,
                outputLength,
                output);
        if (rc != 0) {
            throw new IllegalStateException(
                    "LightGBM could not predict " + rows + " rows: " + LightGbmLibrary.lastError());
        }
        int outputValues = rows * numClasses;
        long produced = lightgbmlib.int64_tp_value(outputLength);
        if (produced != outputValues) {
            throw new IllegalStateException(
                    "LightGBM returned " + produced + " values for " + rows + " rows x " + numClasses + " classes");
        }
        int outputStart = firstRow * numClasses;
        for (int i = 0; i < outputValues; i++) {
            out[outputStart + i] = lightgbmlib.doubleArray_getitem(output, i);
        }
    }

    /** Grows the native buffers, at most to {@code batchRows}, doubling so a slowly growing caller rarely pays. */
    private void ensureCapacity(int rows) {
        if (rows <= capacityRows) {
            return;
        }
        int newCapacity = (int) Math.min(batchRows, Math.max(rows, 2L * capacityRows));
        int rc = lightgbmlib.LGBM_BoosterCalcNumPredict(
                booster, newCapacity, predictProbabilities(), START_ITERATION, ALL_ITERATIONS, outputLength);
        if (rc != 0) {
            throw new IllegalStateException("LightGBM could not size its output: " + LightGbmLibrary.lastError());
        }
        long outputValues = lightgbmlib.int64_tp_value(outputLength);
        if (outputValues != (long) newCapacity * numClasses) {
            throw new IllegalStateException("LightGBM needs " + outputValues + " output values for " + newCapacity
                    + " rows, expected " + newCapacity + " x " + numClasses + " classes");
        }
        freeBuffers();
        input = lightgbmlib.new_doubleArray((long) newCapacity * numFeatures);
        output = lightgbmlib.new_doubleArray(outputValues);
        capacityRows = newCapacity;
    }

    private void freeBuffers() {
        if (input != null) {
            lightgbmlib.delete_doubleArray(input);
            input = null;
        }
        if (output != null) {
            lightgbmlib.delete_doubleArray(output);
            output = null;
        }
        capacityRows = 0;
    }

    /**
     * Probabilities, not raw scores. Read when used, not held in a static field: SWIG's constants come from native
     * code, so initialising this class must not touch them before {@link LightGbmLibrary#ensureLoaded()}.
     */
    private static int predictProbabilities() {
        return lightgbmlibConstants.C_API_PREDICT_NORMAL;
    }

    /** Frees the native buffers and the booster; later calls to {@link #predict} fail. Closing twice is harmless. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        freeBuffers();
        lightgbmlib.delete_int64_tp(outputLength);
        if (lightgbmlib.LGBM_BoosterFree(booster) != 0) {
            LOG.warn("LightGBM could not free its booster: {}", LightGbmLibrary.lastError());
        }
    }

    /** A booster for checked model text; the caller frees it with {@code LGBM_BoosterFree}. */
    static SWIGTYPE_p_void loadBooster(String modelText) {
        SWIGTYPE_p_p_void handle = lightgbmlib.new_voidpp();
        SWIGTYPE_p_int iterations = lightgbmlib.new_intp();
        try {
            if (lightgbmlib.LGBM_BoosterLoadModelFromString(modelText, iterations, handle) != 0) {
                throw new InvalidModelException(PROBLEM + LightGbmLibrary.lastError());
            }
            return lightgbmlib.voidpp_value(handle);
        } finally {
            lightgbmlib.delete_intp(iterations);
            lightgbmlib.delete_voidpp(handle);
        }
    }

    private static void checkAgainstManifest(SWIGTYPE_p_void booster, List<String> features, List<String> classLabels) {
        int modelClasses = classCount(booster);
        if (modelClasses != classLabels.size()) {
            throw new InvalidModelException(MISMATCH + "the model's class count is " + modelClasses
                    + ", the manifest lists " + classLabels.size() + " classes " + classLabels);
        }
        List<String> modelFeatures = List.of(featureNames(booster));
        FeatureListDifference difference = FeatureListDifference.between(features, modelFeatures);
        if (!difference.isEmpty()) {
            throw new InvalidModelException(MISMATCH + "the model's " + modelFeatures.size()
                    + " features differ from the manifest's " + features.size() + ": " + difference.describe());
        }
    }

    private static int classCount(SWIGTYPE_p_void booster) {
        SWIGTYPE_p_int count = lightgbmlib.new_intp();
        try {
            if (lightgbmlib.LGBM_BoosterGetNumClasses(booster, count) != 0) {
                throw new InvalidModelException(PROBLEM + LightGbmLibrary.lastError());
            }
            return lightgbmlib.intp_value(count);
        } finally {
            lightgbmlib.delete_intp(count);
        }
    }

    private static String[] featureNames(SWIGTYPE_p_void booster) {
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
}
