package org.hmis.predictions.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_double;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_int;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_long_long;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_p_void;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_void;
import com.microsoft.ml.lightgbm.lightgbmlib;
import com.microsoft.ml.lightgbm.lightgbmlibConstants;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.hmis.predictions.common.model.InvalidModelException;
import org.hmis.predictions.common.model.ModelManifest;
import org.hmis.predictions.lightgbm.LightGbmBooster;
import org.hmis.predictions.lightgbm.LightGbmBooster.Output;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LightGbmBoosterTest {

    private static final int CLASSES = 5;
    private static final int FEATURES = SyntheticTrainingData.FEATURES.size();
    private static final int PROBE_ROWS = 3_000;

    private static StoredModel artifact;
    private static double[] probe;
    /** LightGBM's own probabilities for the probe rows, one row at a time. */
    private static double[] expected;

    @BeforeAll
    static void trainAndPredictRowByRow() {
        TrainingData data = SyntheticTrainingData.generate(12_000, 1);
        artifact = new ModelTrainer(new TrainingParameters(40, 0.1, 15, 7, 1, 0.2)).train("test-model", "v1", data);
        TrainingData unseen = SyntheticTrainingData.generate(PROBE_ROWS, 2);
        probe = unseen.features(IntStream.range(0, PROBE_ROWS).toArray());
        expected = predictRowByRow(artifact.modelText(), probe, PROBE_ROWS);
    }

    @Test
    void probabilitiesEqualLightGbmsOwnRowByRowPrediction() {
        double[] out = new double[PROBE_ROWS * CLASSES];
        // 256-row batches: many full native calls and a partial last one, on LightGBM's default threads.
        try (LightGbmBooster booster = load(256)) {
            assertEquals(FEATURES, booster.numFeatures());
            assertEquals(CLASSES, booster.numClasses());
            booster.predict(probe, PROBE_ROWS, Output.NORMAL, LightGbmBooster.DEFAULT_THREADS, out);

            assertArrayClose(expected, out, 0, PROBE_ROWS);
            boolean[] predictedClasses = new boolean[CLASSES];
            for (int row = 0; row < PROBE_ROWS; row++) {
                double sum = 0;
                for (int c = 0; c < CLASSES; c++) {
                    sum += out[row * CLASSES + c];
                }
                assertEquals(1.0, sum, 1e-9, "probabilities of row " + row);
                predictedClasses[booster.mostLikelyClass(out, row)] = true;
            }
            assertArrayEquals(new boolean[] {true, true, true, true, true}, predictedClasses);
        }
    }

    @Test
    void probeRowsHoldMissingValues() {
        assertTrue(Arrays.stream(probe).anyMatch(Double::isNaN), "the comparison should cover NaN = missing");
    }

    @Test
    void manyCallsOfChangingSizeStayCorrectAndNeverCorruptNativeMemory() {
        Random random = new Random(3);
        double[] rows = new double[600 * FEATURES];
        double[] out = new double[600 * CLASSES];
        try (LightGbmBooster booster = load(256)) {
            for (int call = 0; call < 1_000; call++) {
                int count = 1 + random.nextInt(600);
                int first = random.nextInt(PROBE_ROWS - count + 1);
                System.arraycopy(probe, first * FEATURES, rows, 0, count * FEATURES);
                booster.predict(rows, count, Output.NORMAL, 1, out);
                double[] expectedSlice = Arrays.copyOfRange(expected, first * CLASSES, (first + count) * CLASSES);
                assertArrayClose(expectedSlice, out, 0, count);
            }
        }
    }

    @Test
    void predictsNothingForZeroRows() {
        try (LightGbmBooster booster = LightGbmBooster.load(artifact.modelText(), artifact.manifest())) {
            double[] out = {42};
            booster.predict(new double[0], 0, Output.NORMAL, LightGbmBooster.DEFAULT_THREADS, out);
            assertEquals(42, out[0]);
        }
    }

    @Test
    void refusesTextThatIsNotALightGbmModel() {
        String model = artifact.modelText();
        List<String> notModels = List.of(
                "",
                "hello world",
                "{\"model\": \"not this\"}",
                // Truncated: LightGBM itself would read past the end of the text and crash the JVM.
                model.substring(0, model.length() / 2),
                model.substring(0, model.indexOf("Tree=0")),
                model.substring(0, model.indexOf("end of trees")),
                model.replace("tree_sizes=", "tree_sizes=7"));
        for (String text : notModels) {
            InvalidModelException e =
                    assertThrows(InvalidModelException.class, () -> LightGbmBooster.load(text, artifact.manifest()));
            assertTrue(e.getMessage().startsWith("model.txt is not a LightGBM model: "), e.getMessage());
        }
    }

    @Test
    void reportsLightGbmsOwnComplaintAboutAModel() {
        String withoutFeatureInfos = artifact.modelText().replaceFirst("\nfeature_infos=[^\n]*", "");
        InvalidModelException e = assertThrows(
                InvalidModelException.class, () -> LightGbmBooster.load(withoutFeatureInfos, artifact.manifest()));
        assertEquals("model.txt is not a LightGBM model: Model file doesn't contain feature_infos", e.getMessage());
    }

    @Test
    void refusesManifestWithAnotherFeatureCount() {
        ModelManifest manifest = withFeatures(SyntheticTrainingData.FEATURES.subList(0, FEATURES - 1));
        InvalidModelException e =
                assertThrows(InvalidModelException.class, () -> LightGbmBooster.load(artifact.modelText(), manifest));
        assertEquals(
                "model.txt does not match model.json: the model's 6 features differ from the manifest's 5: "
                        + "unexpected: non-cash_benefit_count",
                e.getMessage());
    }

    @Test
    void refusesManifestWithFeaturesInAnotherOrder() {
        List<String> swapped = new ArrayList<>(SyntheticTrainingData.FEATURES);
        swapped.set(1, SyntheticTrainingData.FEATURES.get(2));
        swapped.set(2, SyntheticTrainingData.FEATURES.get(1));
        InvalidModelException e = assertThrows(
                InvalidModelException.class, () -> LightGbmBooster.load(artifact.modelText(), withFeatures(swapped)));
        assertEquals(
                "model.txt does not match model.json: the model's 6 features differ from the manifest's 6: "
                        + "misplaced: 'case_members' at position 3, expected at 2",
                e.getMessage());
    }

    @Test
    void refusesModelWithAnotherClassCount() throws Exception {
        String binaryModel = trainBinaryModel();
        InvalidModelException e =
                assertThrows(InvalidModelException.class, () -> LightGbmBooster.load(binaryModel, artifact.manifest()));
        assertEquals(
                "model.txt does not match model.json: the model's class count is 1, the manifest lists 5 classes "
                        + "[es, other, perm, temp, unknown]",
                e.getMessage());
    }

    @Test
    void refusesArraysTooShortForTheRowsAndUseAfterClose() {
        LightGbmBooster booster = LightGbmBooster.load(artifact.modelText(), artifact.manifest());
        IllegalArgumentException shortInput = assertThrows(
                IllegalArgumentException.class,
                () -> booster.predict(new double[2 * FEATURES - 1], 2, Output.NORMAL, 1, new double[2 * CLASSES]));
        assertEquals("rowMajor holds 11 values, but 2 rows x 6 features need 12", shortInput.getMessage());
        IllegalArgumentException shortOutput = assertThrows(
                IllegalArgumentException.class,
                () -> booster.predict(new double[2 * FEATURES], 2, Output.NORMAL, 1, new double[2 * CLASSES - 1]));
        assertEquals("out holds 9 values, but 2 rows x 5 values (NORMAL) need 10", shortOutput.getMessage());
        booster.close();
        booster.close();
        assertThrows(IllegalStateException.class, () -> booster.predict(new double[FEATURES], 1, Output.NORMAL));
    }

    private static LightGbmBooster load(int batchRows) {
        ModelManifest manifest = artifact.manifest();
        return LightGbmBooster.load(artifact.modelText(), manifest.features(), manifest.classLabels(), batchRows);
    }

    private static ModelManifest withFeatures(List<String> features) {
        ModelManifest m = artifact.manifest();
        return new ModelManifest(
                m.modelName(),
                m.featureSpecVersion(),
                features,
                m.classLabels(),
                m.trainedAt(),
                m.trainRows(),
                m.testRows(),
                m.metrics(),
                m.lightGbmParameters());
    }

    private static void assertArrayClose(double[] expected, double[] actual, int firstRow, int rows) {
        for (int i = firstRow * CLASSES; i < (firstRow + rows) * CLASSES; i++) {
            if (Math.abs(expected[i] - actual[i]) > 1e-9) {
                throw new AssertionError("row " + i / CLASSES + " class " + i % CLASSES + ": LightGBM says "
                        + expected[i] + ", the booster " + actual[i]);
            }
        }
    }

    private static void assertArrayEquals(boolean[] expected, boolean[] actual) {
        assertEquals(Arrays.toString(expected), Arrays.toString(actual), "classes predicted for some row");
    }

    /** LightGBM's single-row C API on its own booster: a path independent of the booster's batches. */
    private static double[] predictRowByRow(String modelText, double[] rows, int count) {
        SWIGTYPE_p_p_void handle = lightgbmlib.new_voidpp();
        SWIGTYPE_p_int iterations = lightgbmlib.new_intp();
        SWIGTYPE_p_double row = lightgbmlib.new_doubleArray(FEATURES);
        SWIGTYPE_p_double out = lightgbmlib.new_doubleArray(CLASSES);
        SWIGTYPE_p_long_long outLength = lightgbmlib.new_int64_tp();
        assertEquals(0, lightgbmlib.LGBM_BoosterLoadModelFromString(modelText, iterations, handle));
        SWIGTYPE_p_void booster = lightgbmlib.voidpp_value(handle);
        try {
            double[] probabilities = new double[count * CLASSES];
            for (int r = 0; r < count; r++) {
                for (int f = 0; f < FEATURES; f++) {
                    lightgbmlib.doubleArray_setitem(row, f, rows[r * FEATURES + f]);
                }
                int rc = lightgbmlib.LGBM_BoosterPredictForMatSingleRow(
                        booster,
                        lightgbmlib.double_to_voidp_ptr(row),
                        lightgbmlibConstants.C_API_DTYPE_FLOAT64,
                        FEATURES,
                        1,
                        lightgbmlibConstants.C_API_PREDICT_NORMAL,
                        0,
                        -1,
                        "",
                        outLength,
                        out);
                assertEquals(0, rc, () -> lightgbmlib.LGBM_GetLastError());
                assertEquals(CLASSES, lightgbmlib.int64_tp_value(outLength));
                for (int c = 0; c < CLASSES; c++) {
                    probabilities[r * CLASSES + c] = lightgbmlib.doubleArray_getitem(out, c);
                }
            }
            return probabilities;
        } finally {
            lightgbmlib.LGBM_BoosterFree(booster);
            lightgbmlib.delete_int64_tp(outLength);
            lightgbmlib.delete_doubleArray(out);
            lightgbmlib.delete_doubleArray(row);
            lightgbmlib.delete_intp(iterations);
            lightgbmlib.delete_voidpp(handle);
        }
    }

    /** A binary model over the same six features, straight from lightgbm4j. */
    private static String trainBinaryModel() throws Exception {
        TrainingData data = SyntheticTrainingData.generate(2_000, 4);
        int[] all = IntStream.range(0, data.rows()).toArray();
        int[] labels = data.labels(all);
        float[] binary = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            binary[i] = labels[i] == 2 ? 1 : 0;
        }
        String parameters = "objective=binary num_threads=1 deterministic=true force_row_wise=true verbosity=-1";
        try (LGBMDataset dataset =
                LGBMDataset.createFromMat(data.features(all), data.rows(), FEATURES, true, parameters, null)) {
            dataset.setFeatureNames(SyntheticTrainingData.FEATURES.toArray(String[]::new));
            dataset.setField("label", binary);
            try (LGBMBooster booster = LGBMBooster.create(dataset, parameters)) {
                for (int i = 0; i < 5; i++) {
                    booster.updateOneIter();
                }
                return booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
            }
        }
    }
}
