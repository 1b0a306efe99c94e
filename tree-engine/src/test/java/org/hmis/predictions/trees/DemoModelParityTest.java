package org.hmis.predictions.trees;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DemoModelParityTest {

    private static final String MODEL = ModelFiles.demoModelText();

    @Test
    void demoModelMatchesLightGbmOnRealisticRows() {
        ParityCheck check = new ParityCheck("demo model, realistic rows", MODEL);
        assertEquals(49, check.engine().numFeatures());
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
}
