package org.hmis.predictions.trees;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine against LightGBM on models trained here, each on 100,000 adversarial rows (NaN, signed zeros, values
 * around the zero threshold, every split threshold and its neighbours, infinities, unseen categories).
 */
class TrainedModelParityTest {

    private static final int ROWS = 100_000;
    private static final double EDGE_SHARE = 0.3;

    private static TrainedModels.Data data;

    @BeforeAll
    static void generateTrainingRows() {
        data = TrainedModels.generate(4_000, 1);
    }

    @Test
    void multiclassWithMissingValuesAndAnAbsentClass() {
        // num_class=5 while labels stop at 3: LightGBM gives the absent class trees of a single leaf.
        String model = TrainedModels.train(data, "objective=multiclass num_class=5 num_leaves=15", 30, false);
        assertTrue(model.contains("num_leaves=1\n"), "the model should hold single-leaf trees");
        assertTrue(
                hasMissingType(model, ParsedTree.MISSING_NAN),
                "the model should hold splits whose missing type is NaN");
        compare("multiclass, NaN missing", model, 300);
    }

    @Test
    void multiclassWithoutMissingValueHandling() {
        String model = TrainedModels.train(
                data, "objective=multiclass num_class=4 num_leaves=15 use_missing=false", 30, false);
        compare("multiclass, use_missing=false", model, 300);
    }

    @Test
    void multiclassWithZeroAsMissing() {
        String model = TrainedModels.train(
                data, "objective=multiclass num_class=4 num_leaves=15 zero_as_missing=true", 30, false);
        assertTrue(
                hasMissingType(model, ParsedTree.MISSING_ZERO),
                "the model should hold splits whose missing type is Zero");
        compare("multiclass, zero_as_missing=true", model, 300);
    }

    @Test
    void multiclassWithACategoricalFeature() {
        String model = TrainedModels.train(
                data,
                "objective=multiclass num_class=4 num_leaves=15 " + "categorical_feature="
                        + TrainedModels.CATEGORY_FEATURE + " min_data_per_group=20 cat_smooth=1",
                30,
                false);
        assertTrue(model.contains("cat_threshold="), "the model should hold categorical splits");
        compare("multiclass, categorical", model, 300);
    }

    @Test
    void binaryWithItsSigmoidParameter() {
        TrainedModels.Data binary = TrainedModels.generate(4_000, 2);
        for (int row = 0; row < binary.count(); row++) {
            binary.classes[row] = binary.classes[row] >= 2 ? 1 : 0;
        }
        String model = TrainedModels.train(binary, "objective=binary sigmoid=0.7 num_leaves=15", 40, false);
        assertTrue(model.contains("objective=binary sigmoid:0.7"), "the sigmoid parameter should be in the model");
        compare("binary, sigmoid 0.7", model, 300);
    }

    @Test
    void multiclassOneVersusAll() {
        String model = TrainedModels.train(data, "objective=multiclassova num_class=4 num_leaves=15", 30, false);
        compare("multiclassova", model, 300);
    }

    @Test
    void regression() {
        String model = TrainedModels.train(data, "objective=regression num_leaves=15", 40, true);
        compare("regression", model, 300);
    }

    @Test
    void largeModelOfAThousandTreesOf255Leaves() {
        TrainedModels.Data many = TrainedModels.generate(2_000, 3);
        String model = TrainedModels.train(
                many,
                "objective=multiclass num_class=4 num_leaves=255 max_depth=10 "
                        + "min_data_in_leaf=2 learning_rate=0.05",
                250,
                false);
        ParityCheck check = new ParityCheck("large multiclass", model);
        assertEquals(1_000, check.engine().numTrees());
        assertTrue(model.contains("num_leaves=255"), "trees should reach 255 leaves");
        double[] rows = TestRows.adversarial(model, ROWS, 31, EDGE_SHARE);
        // LightGBM itself takes long over these trees: raw scores of all rows, outputs of a tenth.
        check.predictions(rows, ROWS, ROWS / 10);
        check.contributions(rows, 10);
    }

    private static boolean hasMissingType(String model, int missingType) {
        for (ParsedTree tree : LightGbmTextParser.parse(model).trees) {
            for (byte decision : tree.decisionType) {
                if (ParsedTree.missingType(decision) == missingType) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void compare(String name, String model, int contributionRows) {
        ParityCheck check = new ParityCheck(name, model);
        double[] rows = TestRows.adversarial(model, ROWS, name.hashCode(), EDGE_SHARE);
        check.predictions(rows, ROWS);
        check.contributions(rows, contributionRows);
    }
}
