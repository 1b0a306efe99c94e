package org.hmis.predictions.trees;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import org.hmis.predictions.lightgbm.LightGbmBooster;
import org.hmis.predictions.lightgbm.LightGbmBooster.Output;

/**
 * Compares the engine with LightGBM on the same rows: raw scores bit for bit, normal outputs within 1e-15 with the same
 * predicted class, contributions within 1e-9. A difference fails with the row's values, the first tree whose leaf
 * differs (from LightGBM's {@code predict_leaf_index}) and both outputs.
 */
final class ParityCheck {

    static final double OUTPUT_TOLERANCE = 1e-15;
    static final double CONTRIBUTION_TOLERANCE = 1e-9;
    private static final int PARALLEL_ROWS = 10_000;

    private final String name;
    private final String modelText;
    private final TreeEnsemble engine;
    private final int features;
    private final int classes;

    ParityCheck(String name, String modelText) {
        this.name = name;
        this.modelText = modelText;
        this.engine = TreeEnsemble.parse(modelText);
        this.features = engine.numFeatures();
        this.classes = engine.numClasses();
    }

    TreeEnsemble engine() {
        return engine;
    }

    /** Raw scores and normal outputs of all rows, single-threaded and on two workers. */
    void predictions(double[] rows, int count) {
        predictions(rows, count, count);
    }

    /** Raw scores of {@code count} rows, normal outputs of the first {@code normalCount}. */
    void predictions(double[] rows, int count, int normalCount) {
        double[] expectedRaw;
        double[] expectedNormal;
        try (LightGbmBooster lightGbm = LightGbmBooster.load(modelText)) {
            expectedRaw = lightGbm.predict(rows, count, Output.RAW_SCORE);
            expectedNormal = lightGbm.predict(rows, normalCount, Output.NORMAL);
        }
        double[] raw = new double[count * classes];
        double[] normal = new double[normalCount * classes];
        engine.predictRaw(rows, count, raw);
        engine.predict(rows, normalCount, normal);
        for (int row = 0; row < count; row++) {
            for (int c = 0; c < classes; c++) {
                int at = row * classes + c;
                if (Double.doubleToLongBits(raw[at]) != Double.doubleToLongBits(expectedRaw[at])) {
                    fail(describe("raw score of class " + c + " differs", rows, row, raw, expectedRaw, classes));
                }
                if (row < normalCount
                        && !(Math.abs(normal[at] - expectedNormal[at]) <= OUTPUT_TOLERANCE)
                        && Double.doubleToLongBits(normal[at]) != Double.doubleToLongBits(expectedNormal[at])) {
                    fail(describe(
                            "output of class " + c + " differs by more than " + OUTPUT_TOLERANCE,
                            rows,
                            row,
                            normal,
                            expectedNormal,
                            classes));
                }
            }
            if (row < normalCount && predictedLabel(normal, row) != predictedLabel(expectedNormal, row)) {
                fail(describe("predicted label differs", rows, row, normal, expectedNormal, classes));
            }
        }
        // Two workers take slices in turn: a few slices each show the split, all rows would only take longer.
        int shared = Math.min(normalCount, PARALLEL_ROWS);
        try (WorkerPool pool = WorkerPool.create(2)) {
            double[] parallelRaw = new double[shared * classes];
            double[] parallelNormal = new double[shared * classes];
            engine.predictRaw(rows, shared, parallelRaw, pool);
            engine.predict(rows, shared, parallelNormal, pool);
            if (!Arrays.equals(Arrays.copyOf(raw, shared * classes), parallelRaw)
                    || !Arrays.equals(Arrays.copyOf(normal, shared * classes), parallelNormal)) {
                fail(name + ": two workers give other outputs than one");
            }
        }
    }

    /** All classes' contributions of the first {@code count} rows, and each class's alone. */
    void contributions(double[] rows, int count) {
        double[] expected;
        try (LightGbmBooster lightGbm = LightGbmBooster.load(modelText)) {
            expected = lightGbm.predict(rows, count, Output.CONTRIB);
        }
        int perRow = engine.contributionsPerRow();
        double[] actual = new double[count * perRow];
        engine.contributions(rows, count, actual);
        for (int row = 0; row < count; row++) {
            for (int i = 0; i < perRow; i++) {
                int at = row * perRow + i;
                if (!(Math.abs(actual[at] - expected[at]) <= CONTRIBUTION_TOLERANCE)
                        && Double.doubleToLongBits(actual[at]) != Double.doubleToLongBits(expected[at])) {
                    fail(describe(
                            "contribution " + (i % (features + 1)) + " of class " + (i / (features + 1))
                                    + " differs by more than " + CONTRIBUTION_TOLERANCE,
                            rows,
                            row,
                            actual,
                            expected,
                            perRow));
                }
            }
        }
        int perClass = features + 1;
        double[] oneClass = new double[count * perClass];
        for (int c = 0; c < classes; c++) {
            engine.classContributions(rows, count, c, oneClass);
            for (int row = 0; row < count; row++) {
                double[] whole =
                        Arrays.copyOfRange(actual, row * perRow + c * perClass, row * perRow + (c + 1) * perClass);
                double[] part = Arrays.copyOfRange(oneClass, row * perClass, (row + 1) * perClass);
                if (!Arrays.equals(whole, part)) {
                    fail(name + ": class " + c + "'s contributions alone differ from its share of all, row " + row);
                }
            }
        }
        try (WorkerPool pool = WorkerPool.create(2)) {
            double[] parallel = new double[actual.length];
            engine.contributions(rows, count, parallel, pool);
            if (!Arrays.equals(actual, parallel)) {
                fail(name + ": two workers give other contributions than one");
            }
        }
    }

    /** The class LightGBM's users would predict: the first largest probability, or for one score above 0.5. */
    private int predictedLabel(double[] outputs, int row) {
        if (classes == 1) {
            return outputs[row] > 0.5 ? 1 : 0;
        }
        return engine.mostLikelyClass(outputs, row);
    }

    private String describe(String what, double[] rows, int row, double[] actual, double[] expected, int perRow) {
        double[] values = Arrays.copyOfRange(rows, row * features, (row + 1) * features);
        StringBuilder message = new StringBuilder();
        message.append(name)
                .append(": row ")
                .append(row)
                .append(": ")
                .append(what)
                .append('\n');
        message.append("  row values: ").append(Arrays.toString(values)).append('\n');
        message.append("  engine:   ")
                .append(Arrays.toString(Arrays.copyOfRange(actual, row * perRow, (row + 1) * perRow)))
                .append('\n');
        message.append("  LightGBM: ")
                .append(Arrays.toString(Arrays.copyOfRange(expected, row * perRow, (row + 1) * perRow)))
                .append('\n');
        message.append("  ").append(firstDifferingTree(values));
        return message.toString();
    }

    private String firstDifferingTree(double[] values) {
        int[] ours = engine.leafIndexes(values);
        double[] theirs;
        try (LightGbmBooster lightGbm = LightGbmBooster.load(modelText)) {
            theirs = lightGbm.predict(values, 1, Output.LEAF_INDEX);
        }
        for (int t = 0; t < ours.length; t++) {
            if (ours[t] != (int) theirs[t]) {
                return "first differing tree: " + t + " (engine leaf " + ours[t] + ", LightGBM leaf " + (int) theirs[t]
                        + ")";
            }
        }
        return "every tree gives the same leaf: the difference is in the arithmetic after the trees";
    }
}
