package org.hmis.predictions.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import io.github.metarank.lightgbm4j.LGBMException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.model.ModelManifest;
import org.hmis.predictions.lightgbm.LightGbmBooster;
import org.hmis.predictions.lightgbm.LightGbmLibrary;
import org.hmis.predictions.trees.TreeEnsemble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a multiclass LightGBM model on labelled rows and measures it on households it did not see: splits by
 * household, trains on the rest with lightgbm4j's training API, predicts the held-out rows through
 * {@link LightGbmBooster} (the same path the predict step uses) and records in the manifest the scores overall,
 * per group ({@link GroupMetrics}) and per probability bin ({@link CalibrationCurves}), and the training rows'
 * distribution of every feature ({@link TrainingDistribution}) that drift is measured against.
 */
public final class ModelTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(ModelTrainer.class);
    private static final List<String> CLASSES = ExitDestinationClasses.LABELS;

    private final TrainingParameters parameters;

    public ModelTrainer(TrainingParameters parameters) {
        this.parameters = parameters;
    }

    /**
     * Trains on the training households and measures the model on the held-out ones.
     *
     * @param modelName the name the model will be stored under
     * @param featureSpecVersion the feature specification version the matrix was built with
     */
    public StoredModel train(String modelName, String featureSpecVersion, TrainingData data) {
        LightGbmLibrary.ensureLoaded();
        GroupSplit split = GroupSplit.byGroup(data.groupIds(), parameters.testShare(), parameters.seed());
        int[] trainRows = split.trainRows();
        int[] testRows = split.testRows();
        int[] trainLabels = data.labels(trainRows);
        Map<String, String> lightGbmParameters = parameters.lightGbmParameters(CLASSES.size());

        long started = System.nanoTime();
        String modelText = fit(data.featureNames(), data.features(trainRows), trainLabels, lightGbmParameters);
        long trained = System.nanoTime();
        int[] testLabels = data.labels(testRows);
        Predictions predictions = predict(modelText, data.featureNames(), data.features(testRows), testLabels.length);
        ClassificationMetrics metrics = ClassificationMetrics.evaluate(
                CLASSES, testLabels, predictions.mostLikely(), majorityClass(trainLabels));
        HeldOutAnalysis heldOut = new HeldOutAnalysis(
                CLASSES,
                testLabels,
                predictions.probabilities(),
                data.attributes().rows(testRows));
        ObjectNode metricsJson = (ObjectNode) metrics.toJson();
        metricsJson.set(CalibrationCurves.KEY, heldOut.calibration().toJson());
        metricsJson.set(GroupMetrics.KEY, heldOut.byGroup().toJson());

        LOG.info(
                "Trained {} in {} s on {} rows, tested on {} rows of unseen households: accuracy {}, macro F1 {}, "
                        + "majority baseline {}",
                modelName,
                String.format("%.1f", (trained - started) / 1e9),
                trainRows.length,
                testRows.length,
                String.format("%.3f", metrics.accuracy()),
                String.format("%.3f", metrics.macroF1()),
                String.format("%.3f", metrics.majorityBaselineAccuracy()));
        ModelManifest manifest = new ModelManifest(
                modelName,
                featureSpecVersion,
                data.featureNames(),
                CLASSES,
                Instant.now().truncatedTo(ChronoUnit.SECONDS),
                trainRows.length,
                testRows.length,
                metricsJson,
                lightGbmParameters,
                TrainingDistribution.of(data.featureNames(), data.features(trainRows), trainRows.length));
        return new StoredModel(modelText, manifest);
    }

    private String fit(List<String> featureNames, double[] features, int[] labels, Map<String, String> settings) {
        String parameterString = TrainingParameters.asLightGbmString(settings);
        float[] labelValues = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            labelValues[i] = labels[i];
        }
        try (LGBMDataset dataset =
                LGBMDataset.createFromMat(features, labels.length, featureNames.size(), true, parameterString, null)) {
            dataset.setFeatureNames(featureNames.toArray(String[]::new));
            dataset.setField("label", labelValues);
            try (LGBMBooster booster = LGBMBooster.create(dataset, parameterString)) {
                for (int iteration = 0; iteration < parameters.numIterations(); iteration++) {
                    boolean noFurtherSplits = booster.updateOneIter();
                    if (noFurtherSplits) {
                        LOG.info(
                                "Training stopped after {} of {} iterations: no split improves the model",
                                iteration + 1,
                                parameters.numIterations());
                        break;
                    }
                }
                return booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
            }
        } catch (LGBMException e) {
            throw new IllegalStateException("LightGBM training failed: " + e.getMessage(), e);
        }
    }

    /** The held-out rows' class probabilities, row after row, and each row's most likely class. */
    @SuppressWarnings("ArrayRecordComponent") // one evaluation's arrays, read once, never compared
    private record Predictions(double[] probabilities, int[] mostLikely) {}

    /**
     * The held-out predictions as the predict step will make them, with the Java engine, checked against LightGBM's
     * own: a model the two disagree on (a probability more than 1e-15 apart, or another class) is not written.
     */
    private Predictions predict(String modelText, List<String> featureNames, double[] features, int rows) {
        TreeEnsemble trees = TreeEnsemble.parse(modelText);
        double[] probabilities = new double[rows * CLASSES.size()];
        int[] mostLikely = new int[rows];
        trees.predict(features, rows, probabilities);
        for (int row = 0; row < rows; row++) {
            mostLikely[row] = trees.mostLikelyClass(probabilities, row);
        }
        double[] lightGbm = new double[probabilities.length];
        try (LightGbmBooster booster =
                LightGbmBooster.load(modelText, featureNames, CLASSES, LightGbmBooster.DEFAULT_BATCH_ROWS)) {
            booster.predict(features, rows, LightGbmBooster.Output.NORMAL, parameters.numThreads(), lightGbm);
            for (int row = 0; row < rows; row++) {
                int lightGbmClass = booster.mostLikelyClass(lightGbm, row);
                for (int c = 0; c < CLASSES.size(); c++) {
                    int i = row * CLASSES.size() + c;
                    if (!(Math.abs(probabilities[i] - lightGbm[i]) <= 1e-15) || lightGbmClass != mostLikely[row]) {
                        throw new IllegalStateException("the Java engine and LightGBM disagree on held-out row " + row
                                + ": class " + CLASSES.get(c) + " " + probabilities[i] + " against " + lightGbm[i]
                                + ", predicted " + CLASSES.get(mostLikely[row]) + " against "
                                + CLASSES.get(lightGbmClass) + "; the model is not written");
                    }
                }
            }
        }
        return new Predictions(probabilities, mostLikely);
    }

    private static int majorityClass(int[] labels) {
        int[] counts = new int[CLASSES.size()];
        for (int label : labels) {
            counts[label]++;
        }
        int majority = 0;
        for (int c = 1; c < counts.length; c++) {
            if (counts[c] > counts[majority]) {
                majority = c;
            }
        }
        return majority;
    }
}
