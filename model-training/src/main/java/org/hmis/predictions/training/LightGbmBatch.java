package org.hmis.predictions.training;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_double;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_int;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_long_long;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_p_void;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_void;
import com.microsoft.ml.lightgbm.lightgbmlib;
import com.microsoft.ml.lightgbm.lightgbmlibConstants;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.hmis.predictions.common.csv.WrangledCsv;
import org.hmis.predictions.common.model.LightGbmLibrary;

/**
 * LightGBM's own batch prediction, the yardstick for the step: a whole wrangled part read into one native matrix and
 * predicted with a single {@code LGBM_BoosterPredictForMat} call, as a LightGBM user with every row in memory would.
 * The matrix lives in native memory (a million rows of 49 features is 392 MB), freed by {@link #close()}.
 */
public final class LightGbmBatch implements AutoCloseable {
    private static final int ROW_MAJOR = 1;

    private final int numFeatures;
    private final SWIGTYPE_p_double matrix;
    private int rows;

    private LightGbmBatch(int numFeatures, SWIGTYPE_p_double matrix) {
        this.numFeatures = numFeatures;
        this.matrix = matrix;
    }

    /** Probabilities of every row and the time the one native call took. */
    @SuppressWarnings("ArrayRecordComponent") // one call's output, read once, never compared
    public record Prediction(double[] probabilities, int rows, int numClasses, double seconds) {
        public int mostLikelyClass(int row) {
            int best = 0;
            for (int c = 1; c < numClasses; c++) {
                if (probabilities[row * numClasses + c] > probabilities[row * numClasses + best]) {
                    best = c;
                }
            }
            return best;
        }
    }

    /**
     * Reads a wrangled part of at most {@code maxRows} rows into native memory.
     *
     * @param features the part's features, as its header must list them
     */
    public static LightGbmBatch read(InputStream wrangled, String source, List<String> features, int maxRows)
            throws IOException {
        LightGbmLibrary.ensureLoaded();
        int numFeatures = features.size();
        LightGbmBatch batch = new LightGbmBatch(
                numFeatures, lightgbmlib.new_doubleArray(Math.multiplyExact((long) maxRows, numFeatures)));
        try (WrangledCsv.RowReader reader = WrangledCsv.reader(wrangled, source, features)) {
            long at = 0;
            while (reader.next()) {
                if (batch.rows == maxRows) {
                    throw new IllegalArgumentException(source + " holds more than " + maxRows + " rows");
                }
                for (double value : reader.features()) {
                    lightgbmlib.doubleArray_setitem(batch.matrix, at++, value);
                }
                batch.rows++;
            }
            return batch;
        } catch (IOException | RuntimeException e) {
            batch.close();
            throw e;
        }
    }

    public int rows() {
        return rows;
    }

    /**
     * Predicts every row at once.
     *
     * @param threads LightGBM threads, 0 for one per core
     */
    public Prediction predict(String modelText, int threads) {
        SWIGTYPE_p_void booster = load(modelText);
        SWIGTYPE_p_long_long outputLength = lightgbmlib.new_int64_tp();
        SWIGTYPE_p_int classCount = lightgbmlib.new_intp();
        SWIGTYPE_p_double output = null;
        try {
            check(lightgbmlib.LGBM_BoosterGetNumClasses(booster, classCount));
            int numClasses = lightgbmlib.intp_value(classCount);
            check(lightgbmlib.LGBM_BoosterCalcNumPredict(
                    booster, rows, lightgbmlibConstants.C_API_PREDICT_NORMAL, 0, -1, outputLength));
            long outputValues = lightgbmlib.int64_tp_value(outputLength);
            output = lightgbmlib.new_doubleArray(outputValues);
            long start = System.nanoTime();
            check(lightgbmlib.LGBM_BoosterPredictForMat(
                    booster,
                    lightgbmlib.double_to_voidp_ptr(matrix),
                    lightgbmlibConstants.C_API_DTYPE_FLOAT64,
                    rows,
                    numFeatures,
                    ROW_MAJOR,
                    lightgbmlibConstants.C_API_PREDICT_NORMAL,
                    0,
                    -1,
                    threads == 0 ? "" : "num_threads=" + threads,
                    outputLength,
                    output));
            double seconds = (System.nanoTime() - start) / 1e9;
            double[] probabilities = new double[Math.toIntExact(outputValues)];
            for (int i = 0; i < probabilities.length; i++) {
                probabilities[i] = lightgbmlib.doubleArray_getitem(output, i);
            }
            return new Prediction(probabilities, rows, numClasses, seconds);
        } finally {
            if (output != null) {
                lightgbmlib.delete_doubleArray(output);
            }
            lightgbmlib.delete_intp(classCount);
            lightgbmlib.delete_int64_tp(outputLength);
            lightgbmlib.LGBM_BoosterFree(booster);
        }
    }

    private static SWIGTYPE_p_void load(String modelText) {
        SWIGTYPE_p_p_void handle = lightgbmlib.new_voidpp();
        SWIGTYPE_p_int iterations = lightgbmlib.new_intp();
        try {
            check(lightgbmlib.LGBM_BoosterLoadModelFromString(modelText, iterations, handle));
            return lightgbmlib.voidpp_value(handle);
        } finally {
            lightgbmlib.delete_intp(iterations);
            lightgbmlib.delete_voidpp(handle);
        }
    }

    private static void check(int rc) {
        if (rc != 0) {
            throw new IllegalStateException("LightGBM failed: " + lightgbmlib.LGBM_GetLastError());
        }
    }

    @Override
    public void close() {
        lightgbmlib.delete_doubleArray(matrix);
    }
}
