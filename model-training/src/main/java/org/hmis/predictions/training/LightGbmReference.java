package org.hmis.predictions.training;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_double;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_int;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_long_long;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_p_void;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_void;
import com.microsoft.ml.lightgbm.lightgbmlib;
import com.microsoft.ml.lightgbm.lightgbmlibConstants;

/**
 * LightGBM itself, through its C API ({@code LGBM_BoosterPredictForMat} on a dense row-major matrix of doubles), as
 * the reference the engine is compared with. Outputs are sized by {@code LGBM_BoosterCalcNumPredict} and the length
 * LightGBM reports is checked (lightgbm4j's own {@code predictForMat} sizes multiclass output wrongly).
 */
public final class LightGbmReference implements AutoCloseable {

    /** What to predict: LightGBM's {@code C_API_PREDICT_*} types. */
    public enum Output {
        NORMAL,
        RAW_SCORE,
        LEAF_INDEX,
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

    private static final int ROW_MAJOR = 1;

    private final SWIGTYPE_p_void booster;
    private final int numFeatures;

    private LightGbmReference(SWIGTYPE_p_void booster, int numFeatures) {
        this.booster = booster;
        this.numFeatures = numFeatures;
    }

    public static LightGbmReference load(String modelText) {
        LightGbmLibrary.ensureLoaded();
        SWIGTYPE_p_p_void handle = lightgbmlib.new_voidpp();
        SWIGTYPE_p_int iterations = lightgbmlib.new_intp();
        SWIGTYPE_p_int features = lightgbmlib.new_intp();
        try {
            check(lightgbmlib.LGBM_BoosterLoadModelFromString(modelText, iterations, handle), "load the model");
            SWIGTYPE_p_void booster = lightgbmlib.voidpp_value(handle);
            check(lightgbmlib.LGBM_BoosterGetNumFeature(booster, features), "count features");
            return new LightGbmReference(booster, lightgbmlib.intp_value(features));
        } finally {
            lightgbmlib.delete_intp(features);
            lightgbmlib.delete_intp(iterations);
            lightgbmlib.delete_voidpp(handle);
        }
    }

    /** LightGBM's output for the rows, on its default threads. */
    public double[] predict(double[] rowMajor, int rows, Output output) {
        try (Matrix matrix = new Matrix(rowMajor, rows, output)) {
            matrix.predict(0);
            return matrix.output();
        }
    }

    /** {@code rows} of {@code rowMajor} in native memory, for timing LightGBM's call alone; the caller closes it. */
    public Matrix matrix(double[] rowMajor, int rows, Output output) {
        return new Matrix(rowMajor, rows, output);
    }

    /** The rows copied to native memory once, with room for one kind of output: for timing LightGBM's call alone. */
    public final class Matrix implements AutoCloseable {

        private final int rows;
        private final Output output;
        private final SWIGTYPE_p_double input;
        private final SWIGTYPE_p_double out;
        private final SWIGTYPE_p_long_long length = lightgbmlib.new_int64_tp();
        private final long expectedLength;

        private Matrix(double[] rowMajor, int rows, Output output) {
            this.rows = rows;
            this.output = output;
            input = lightgbmlib.new_doubleArray((long) rows * numFeatures);
            for (int i = 0; i < rows * numFeatures; i++) {
                lightgbmlib.doubleArray_setitem(input, i, rowMajor[i]);
            }
            check(lightgbmlib.LGBM_BoosterCalcNumPredict(booster, rows, output.code(), 0, -1, length), "size output");
            expectedLength = lightgbmlib.int64_tp_value(length);
            out = lightgbmlib.new_doubleArray(expectedLength);
        }

        /** One {@code LGBM_BoosterPredictForMat} call over all rows; {@code threads} 0 means LightGBM's default. */
        public void predict(int threads) {
            String parameters = threads == 0 ? "" : "num_threads=" + threads;
            check(
                    lightgbmlib.LGBM_BoosterPredictForMat(
                            booster,
                            lightgbmlib.double_to_voidp_ptr(input),
                            lightgbmlibConstants.C_API_DTYPE_FLOAT64,
                            rows,
                            numFeatures,
                            ROW_MAJOR,
                            output.code(),
                            0,
                            -1,
                            parameters,
                            length,
                            out),
                    "predict");
            long produced = lightgbmlib.int64_tp_value(length);
            if (produced != expectedLength) {
                throw new IllegalStateException(
                        "LightGBM wrote " + produced + " values, " + expectedLength + " expected");
            }
        }

        public double[] output() {
            double[] values = new double[(int) expectedLength];
            for (int i = 0; i < values.length; i++) {
                values[i] = lightgbmlib.doubleArray_getitem(out, i);
            }
            return values;
        }

        @Override
        public void close() {
            lightgbmlib.delete_doubleArray(input);
            lightgbmlib.delete_doubleArray(out);
            lightgbmlib.delete_int64_tp(length);
        }
    }

    private static void check(int returnCode, String what) {
        if (returnCode != 0) {
            throw new IllegalStateException("LightGBM could not " + what + ": " + lightgbmlib.LGBM_GetLastError());
        }
    }

    @Override
    public void close() {
        check(lightgbmlib.LGBM_BoosterFree(booster), "free its booster");
    }
}
