package org.hmis.predictions.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.model.ModelManifest;
import org.junit.jupiter.api.Test;

class ModelTrainerTest {

    private static final TrainingParameters PARAMETERS = new TrainingParameters(40, 0.1, 15, 11, 1, 0.2);

    @Test
    void trainsAModelThatBeatsTheMajorityBaselineOnUnseenHouseholds() {
        TrainingData data = SyntheticTrainingData.generate(12_000, 5);
        StoredModel artifact = new ModelTrainer(PARAMETERS).train("exit-destination", "v1", data);
        ModelManifest manifest = artifact.manifest();
        ClassificationMetrics metrics = ClassificationMetrics.of(manifest);

        assertEquals("exit-destination", manifest.modelName());
        assertEquals("v1", manifest.featureSpecVersion());
        assertEquals(SyntheticTrainingData.FEATURES, manifest.features());
        assertEquals(ExitDestinationClasses.LABELS, manifest.classLabels());
        assertEquals(12_000, manifest.trainRows() + manifest.testRows());
        assertTrue(manifest.testRows() > 1_800 && manifest.testRows() < 3_000, "about 20% held out");
        // Labels follow income and age except for 10% noise: a real model gets most right, the baseline does not.
        assertTrue(metrics.majorityBaselineAccuracy() < 0.4, "baseline " + metrics.majorityBaselineAccuracy());
        assertTrue(metrics.accuracy() > 0.8, "accuracy " + metrics.accuracy());
        assertTrue(metrics.accuracy() > metrics.majorityBaselineAccuracy() + 0.4);
        assertTrue(metrics.macroF1() > 0.75, "macro F1 " + metrics.macroF1());
        assertEquals(
                ExitDestinationClasses.LABELS, List.copyOf(metrics.perClassF1().keySet()));
        metrics.perClassF1().forEach((label, f1) -> assertTrue(f1 > 0.6, label + " F1 " + f1));

        assertEquals("multiclass", manifest.lightGbmParameters().get("objective"));
        assertEquals("5", manifest.lightGbmParameters().get("num_class"));
        assertEquals("40", manifest.lightGbmParameters().get("num_iterations"));
        assertEquals("true", manifest.lightGbmParameters().get("deterministic"));
        assertTrue(artifact.modelText().contains("num_class=5"));
        assertTrue(artifact.modelText().contains("feature_names=earned_income age_at_enrollment"));
        assertEquals(manifest, ModelManifest.fromJson(manifest.toJson()));

        GroupMetrics byGroup = GroupMetrics.of(manifest).orElseThrow();
        assertEquals(manifest.testRows(), byGroup.overall().rows());
        assertEquals(metrics.accuracy(), byGroup.overall().accuracy(), 1e-12, "the same held-out rows");
        assertEquals(
                List.of("gender", "age_band_at_entry"),
                List.copyOf(byGroup.attributes().keySet()));
        assertEquals(
                manifest.testRows(),
                byGroup.attributes().get("gender").groups().values().stream()
                        .mapToLong(GroupMetrics.Scores::rows)
                        .sum());
        assertEquals(5, CalibrationCurves.of(manifest).orElseThrow().classes().size());
        // Beside it the binary risk model, on the same rows, ranks the held-out households by the risk of not
        // reaching perm, a household's risk being its members' mean.
        assertEquals(
                ModelManifest.RiskModel.notPermanentHousing(), manifest.risk().orElseThrow());
        assertTrue(artifact.riskModelText().contains("objective=binary"), "a binary model");
        assertTrue(artifact.riskModelText().contains("feature_names=earned_income age_at_enrollment"));
        assertEquals(
                "binary",
                manifest.metrics()
                        .get(ModelTrainer.RISK_PARAMETERS)
                        .get("objective")
                        .asText());
        HouseholdRisk risk = HouseholdRisk.of(manifest).orElseThrow();
        assertTrue(risk.households() > 600 && risk.households() < manifest.testRows(), "households " + risk);
        assertTrue(risk.auc() > 0.9, "AUC " + risk.auc());
        assertTrue(risk.precisionTop10pct() > 0.9, "precision " + risk.precisionTop10pct());
        // The baseline describes the training rows, feature by feature.
        assertEquals(manifest.trainRows(), manifest.drift().orElseThrow().rows());
        assertEquals(manifest.features(), manifest.drift().orElseThrow().featureNames());
    }

    @Test
    void sameDataAndSeedGiveTheSameModel() {
        TrainingData data = SyntheticTrainingData.generate(4_000, 6);
        TrainingParameters fewerRounds = new TrainingParameters(20, 0.1, 15, 11, 1, 0.2);
        StoredModel first = new ModelTrainer(fewerRounds).train("m", "v1", data);
        StoredModel second = new ModelTrainer(fewerRounds).train("m", "v1", data);
        assertEquals(first.modelText(), second.modelText());
        assertEquals(first.riskModelText(), second.riskModelText());
        assertEquals(first.manifest().metrics(), second.manifest().metrics());
    }
}
