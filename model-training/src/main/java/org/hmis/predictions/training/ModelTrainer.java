package org.hmis.predictions.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import io.github.metarank.lightgbm4j.LGBMException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.features.FeatureSpec;
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
 *
 * <p>Beside it, on the same rows and split, a binary risk model ({@link ModelManifest.RiskModel#notPermanentHousing()}:
 * label 1 for every class but {@code perm}), whose probability is the risk shown and whose contributions are the
 * reasons; its ranking of held-out households is in the manifest ({@link HouseholdRisk}).
 */
public final class ModelTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(ModelTrainer.class);
    private static final List<String> CLASSES = ExitDestinationClasses.LABELS;
    /** The field of {@code metrics} that records the risk model's LightGBM parameters. */
    public static final String RISK_PARAMETERS = "risk_lightgbm_parameters";

    private static final ObjectMapper JSON = new ObjectMapper();

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

        ModelManifest.RiskModel riskModel = ModelManifest.RiskModel.notPermanentHousing();
        Map<String, String> riskParameters = parameters.riskLightGbmParameters();

        long started = System.nanoTime();
        double[] trainFeatures = data.features(trainRows);
        String modelText = fit(data.featureNames(), trainFeatures, asFloats(trainLabels), lightGbmParameters);
        String riskModelText =
                fit(data.featureNames(), trainFeatures, asFloats(riskLabels(trainLabels, riskModel)), riskParameters);
        long trained = System.nanoTime();
        int[] testLabels = data.labels(testRows);
        double[] testFeatures = data.features(testRows);
        Predictions predictions = predict(modelText, data.featureNames(), testFeatures, testLabels.length);
        double[] risks = predictRisk(riskModelText, testFeatures, testLabels.length);
        int[] testRiskLabels = riskLabels(testLabels, riskModel);
        boolean[] notPermanent = new boolean[testLabels.length];
        for (int row = 0; row < notPermanent.length; row++) {
            notPermanent[row] = testRiskLabels[row] == 1;
        }
        boolean householdRows = FeatureSpec.forVersion(featureSpecVersion).unit() == FeatureSpec.Unit.HOUSEHOLD;
        HouseholdRisk householdRisk =
                HouseholdRisk.measure(risks, notPermanent, householdRows ? null : data.groupIdsOf(testRows));
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
        metricsJson.set(HouseholdRisk.KEY, householdRisk.toJson());
        metricsJson.set(RISK_PARAMETERS, JSON.valueToTree(riskParameters));

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
        LOG.info(
                "Risk of not reaching permanent housing on {} held-out households: AUC {}, precision among the 10% most"
                        + " at risk {}",
                householdRisk.households(),
                String.format("%.3f", householdRisk.auc()),
                String.format("%.3f", householdRisk.precisionTop10pct()));
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
                TrainingDistribution.of(data.featureNames(), trainFeatures, trainRows.length));
        return new StoredModel(modelText, manifest.withRiskModel(riskModel), riskModelText);
    }

    /** 1 for a row whose class is one of the risk model's positive classes, else 0. */
    private static int[] riskLabels(int[] labels, ModelManifest.RiskModel riskModel) {
        boolean[] positive = new boolean[CLASSES.size()];
        riskModel.positiveClasses().forEach(label -> positive[CLASSES.indexOf(label)] = true);
        int[] binary = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            binary[i] = positive[labels[i]] ? 1 : 0;
        }
        return binary;
    }

    private static float[] asFloats(int[] labels) {
        float[] values = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            values[i] = labels[i];
        }
        return values;
    }

    private String fit(List<String> featureNames, double[] features, float[] labels, Map<String, String> settings) {
        String parameterString = TrainingParameters.asLightGbmString(settings);
        int iterations = Integer.parseInt(settings.get("num_iterations"));
        try (LGBMDataset dataset =
                LGBMDataset.createFromMat(features, labels.length, featureNames.size(), true, parameterString, null)) {
            dataset.setFeatureNames(featureNames.toArray(String[]::new));
            dataset.setField("label", labels);
            try (LGBMBooster booster = LGBMBooster.create(dataset, parameterString)) {
                for (int iteration = 0; iteration < iterations; iteration++) {
                    boolean noFurtherSplits = booster.updateOneIter();
                    if (noFurtherSplits) {
                        LOG.info(
                                "Training ({}) stopped after {} of {} iterations: no split improves the model",
                                settings.get("objective"),
                                iteration + 1,
                                iterations);
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

    /**
     * The risk model's probabilities of the held-out rows with the Java engine, checked against LightGBM's own as
     * the multiclass model's are.
     */
    private double[] predictRisk(String riskModelText, double[] features, int rows) {
        TreeEnsemble trees = TreeEnsemble.parse(riskModelText);
        if (trees.numClasses() != 1) {
            throw new IllegalStateException("the risk model has " + trees.numClasses() + " outputs, not one");
        }
        double[] risks = new double[rows];
        trees.predict(features, rows, risks);
        double[] lightGbm = new double[rows];
        try (LightGbmBooster booster = LightGbmBooster.load(riskModelText)) {
            booster.predict(features, rows, LightGbmBooster.Output.NORMAL, parameters.numThreads(), lightGbm);
        }
        for (int row = 0; row < rows; row++) {
            if (!(Math.abs(risks[row] - lightGbm[row]) <= 1e-15)) {
                throw new IllegalStateException("the Java engine and LightGBM disagree on the risk of held-out row "
                        + row + ": " + risks[row] + " against " + lightGbm[row] + "; the model is not written");
            }
        }
        return risks;
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
