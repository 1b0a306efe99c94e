package org.hmis.predictions.trees;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hmis.predictions.lightgbm.LightGbmBooster;
import org.junit.jupiter.api.Test;

class DemoModelParityTest {

    private static final String MODEL = ModelFiles.demoModelText();
    private static final String RISK_MODEL = ModelFiles.demoRiskModelText();

    @Test
    void demoModelMatchesLightGbmOnRealisticRows() {
        ParityCheck check = new ParityCheck("demo model, realistic rows", MODEL);
        assertEquals(
                ModelFiles.headerWords(MODEL, "feature_names").size(),
                check.engine().numFeatures());
        assertEquals(5, check.engine().numClasses());
        double[] rows = TestRows.realistic(MODEL, 100_000, 11);
        check.predictions(rows, 100_000);
        check.contributions(rows, 300);
    }

    @Test
    void demoModelMatchesLightGbmOnAdversarialRows() {
        ParityCheck check = new ParityCheck("demo model, adversarial rows", MODEL);
        double[] rows = TestRows.adversarial(MODEL, 100_000, 12, 0.3);
        check.predictions(rows, 100_000);
        check.contributions(rows, 300);
    }

    @Test
    void demoRiskModelMatchesLightGbmOnRealisticAndAdversarialRows() {
        ParityCheck check = new ParityCheck("demo risk model", RISK_MODEL);
        assertEquals(1, check.engine().numClasses(), "a binary model has one output");
        assertTrue(RISK_MODEL.contains("objective=binary"), "the risk model is binary");
        assertEquals(
                ModelFiles.headerWords(MODEL, "feature_names"), ModelFiles.headerWords(RISK_MODEL, "feature_names"));
        check.predictions(TestRows.realistic(RISK_MODEL, 100_000, 13), 100_000);
        double[] rows = TestRows.adversarial(RISK_MODEL, 2_000, 14, 0.3);
        check.predictions(rows, 2_000);
        check.contributions(rows, 2_000);
    }

    /** The risk's reasons: each row's contributions plus the expected value are its raw score, the risk's log-odds. */
    @Test
    void demoRiskModelsContributionsAddUpToTheLogOddsOfTheRisk() {
        TreeEnsemble engine = TreeEnsemble.parse(RISK_MODEL);
        int rows = 2_000;
        int perRow = engine.numFeatures() + 1;
        assertEquals(perRow, engine.contributionsPerRow());
        double[] values = TestRows.adversarial(RISK_MODEL, rows, 15, 0.3);
        double[] contributions = new double[rows * perRow];
        engine.classContributions(values, rows, 0, contributions);
        double[] raw = new double[rows];
        engine.predictRaw(values, rows, raw);
        double[] risk = new double[rows];
        engine.predict(values, rows, risk);
        double[] lightGbm;
        try (LightGbmBooster booster = LightGbmBooster.load(RISK_MODEL)) {
            lightGbm = booster.predict(values, rows, LightGbmBooster.Output.CONTRIB);
        }
        for (int row = 0; row < rows; row++) {
            double sum = 0;
            for (int i = 0; i < perRow; i++) {
                double contribution = contributions[row * perRow + i];
                assertEquals(
                        lightGbm[row * perRow + i], contribution, ParityCheck.CONTRIBUTION_TOLERANCE, "row " + row);
                sum += contribution;
            }
            assertEquals(raw[row], sum, 1e-9, "row " + row + ": contributions and expected value against raw score");
            assertEquals(Math.log(risk[row] / (1 - risk[row])), raw[row], 1e-9, "row " + row + ": raw score is logit");
        }
    }
}
