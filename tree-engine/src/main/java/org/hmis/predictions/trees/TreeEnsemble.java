package org.hmis.predictions.trees;

import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;
import java.util.List;
import org.hmis.predictions.common.model.InvalidModelException;

/**
 * A LightGBM model evaluated in Java, exactly as LightGBM 4.3.0's {@code LGBM_BoosterPredictForMat} evaluates it on
 * a dense row-major matrix of doubles: the same decision at every split, the same leaf values summed in the same
 * order in double, so raw scores are LightGBM's bit for bit; the same softmax or sigmoid for the normal output; and
 * TreeSHAP contributions as {@code predict_contrib} computes them.
 *
 * <p>Input values follow LightGBM's conventions: NaN means missing, and a value with {@code |x| <= 1e-35} counts as 0
 * (LightGBM's dense input drops such values). See {@link FlatForest} for the decisions.
 *
 * <p>Load once with {@link #parse(String)} or {@link #read(Reader)}; every check is made then, and an unsupported or
 * malformed model is refused with an {@link InvalidModelException} naming the field and the tree. The ensemble is
 * immutable: any number of threads may call it at once, each call keeps its scratch to itself (allocated once per
 * call and thread, never per row); a {@link WorkerPool} spreads a call's rows over threads. Predictions scan each
 * row's prepared values once for all small trees (QuickScorer, see {@link FlatForest}); contributions take a block
 * of rows through one tree at a time, so the tree stays in cache.
 */
public final class TreeEnsemble {

    /** Rows prepared at once: their values stay in the first-level cache while the trees use them. */
    static final int BLOCK_ROWS = 64;
    /** Rows a thread takes at once when predicting: 16 blocks, a few milliseconds of work. */
    private static final int PREDICT_SLICE_ROWS = 16 * BLOCK_ROWS;
    /** Rows a thread takes at once for contributions, which cost a thousand times more per row. */
    private static final int CONTRIBUTION_SLICE_ROWS = 8;

    private final FlatForest forest;
    private final OutputTransform transform;
    private final List<String> featureNames;

    private TreeEnsemble(ParsedModelText model) {
        this.forest = new FlatForest(model);
        this.transform = model.transform;
        this.featureNames = model.featureNames;
    }

    /** Loads a model from LightGBM's text format ({@code model.txt}, or {@code LGBM_BoosterSaveModelToString}). */
    public static TreeEnsemble parse(String modelText) {
        return new TreeEnsemble(LightGbmTextParser.parse(modelText));
    }

    /** Loads a model from LightGBM's text format; the reader is read to its end but not closed. */
    public static TreeEnsemble read(Reader modelText) throws IOException {
        StringBuilder text = new StringBuilder();
        char[] buffer = new char[1 << 16];
        for (int read = modelText.read(buffer); read >= 0; read = modelText.read(buffer)) {
            text.append(buffer, 0, read);
        }
        return parse(text.toString());
    }

    /** Values per input row. */
    public int numFeatures() {
        return forest.numFeatures;
    }

    /**
     * Scores per output row: the number of classes for {@code multiclass} and {@code multiclassova}; 1 for
     * {@code binary} (the probability of class 1) and for regression.
     */
    public int numClasses() {
        return forest.numClasses;
    }

    /** Feature names in the order each input row holds their values. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** Trees in the model: iterations times {@link #numClasses()}. */
    public int numTrees() {
        return forest.numTrees;
    }

    /** Contributions per row from {@link #contributions}: for each class, one per feature and the expected value. */
    public int contributionsPerRow() {
        return forest.numClasses * (forest.numFeatures + 1);
    }

    /**
     * LightGBM's normal output ({@code C_API_PREDICT_NORMAL}): class probabilities, or the regression prediction.
     *
     * @param rowMajor {@code rows x numFeatures()} values, row after row; only those are read
     * @param out receives {@code rows x numClasses()} values, row after row
     */
    public void predict(double[] rowMajor, int rows, double[] out) {
        predict(rowMajor, rows, out, WorkerPool.CALLER_ONLY);
    }

    /** {@link #predict(double[], int, double[])} with the rows shared among {@code workers}' threads. */
    public void predict(double[] rowMajor, int rows, double[] out, WorkerPool workers) {
        checkCall(rowMajor, rows, out, forest.numClasses);
        int classes = forest.numClasses;
        workers.forEachSlice(rows, PREDICT_SLICE_ROWS, this::newScoreScratch, (scratch, first, count) -> {
            rawScores(scratch, rowMajor, first, count, out);
            for (int row = first; row < first + count; row++) {
                transform.apply(out, row * classes, classes);
            }
        });
    }

    /** LightGBM's raw scores ({@code C_API_PREDICT_RAW_SCORE}): the sums of leaf values, before softmax or sigmoid. */
    public void predictRaw(double[] rowMajor, int rows, double[] out) {
        predictRaw(rowMajor, rows, out, WorkerPool.CALLER_ONLY);
    }

    /** {@link #predictRaw(double[], int, double[])} with the rows shared among {@code workers}' threads. */
    public void predictRaw(double[] rowMajor, int rows, double[] out, WorkerPool workers) {
        checkCall(rowMajor, rows, out, forest.numClasses);
        workers.forEachSlice(
                rows,
                PREDICT_SLICE_ROWS,
                this::newScoreScratch,
                (scratch, first, count) -> rawScores(scratch, rowMajor, first, count, out));
    }

    /**
     * Feature contributions to the raw scores ({@code C_API_PREDICT_CONTRIB}, TreeSHAP), in LightGBM's layout: per
     * row, per class, {@code numFeatures()} contributions and then the expected value; they add up to the class's raw
     * score.
     *
     * @param out receives {@code rows x contributionsPerRow()} values
     */
    public void contributions(double[] rowMajor, int rows, double[] out) {
        contributions(rowMajor, rows, out, WorkerPool.CALLER_ONLY);
    }

    /** {@link #contributions(double[], int, double[])} with the rows shared among {@code workers}' threads. */
    public void contributions(double[] rowMajor, int rows, double[] out, WorkerPool workers) {
        checkCall(rowMajor, rows, out, contributionsPerRow());
        workers.forEachSlice(
                rows,
                CONTRIBUTION_SLICE_ROWS,
                this::newShapScratch,
                (scratch, first, count) ->
                        contributionsOf(scratch, rowMajor, first, count, -1, out, first * contributionsPerRow()));
    }

    /**
     * One class's contributions, as {@link #contributions} gives them for that class, at a {@link #numClasses()}-th
     * of the cost: only that class's trees are walked.
     *
     * @param out receives {@code rows x (numFeatures() + 1)} values: per row, the contributions, then the expected
     *     value
     */
    public void classContributions(double[] rowMajor, int rows, int classIndex, double[] out) {
        classContributions(rowMajor, rows, classIndex, out, WorkerPool.CALLER_ONLY);
    }

    /** {@link #classContributions(double[], int, int, double[])} with the rows shared among the workers' threads. */
    public void classContributions(double[] rowMajor, int rows, int classIndex, double[] out, WorkerPool workers) {
        if (classIndex < 0 || classIndex >= forest.numClasses) {
            throw new IllegalArgumentException(
                    "classIndex should be in [0, " + forest.numClasses + "), found " + classIndex);
        }
        int perRow = forest.numFeatures + 1;
        checkCall(rowMajor, rows, out, perRow);
        workers.forEachSlice(
                rows,
                CONTRIBUTION_SLICE_ROWS,
                this::newShapScratch,
                (scratch, first, count) ->
                        contributionsOf(scratch, rowMajor, first, count, classIndex, out, first * perRow));
    }

    /** The index of a row's largest score in {@link #predict}'s output; a tie goes to the lower index. */
    public int mostLikelyClass(double[] scores, int row) {
        int classes = forest.numClasses;
        int first = row * classes;
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (scores[first + c] > scores[first + best]) {
                best = c;
            }
        }
        return best;
    }

    /** The leaf each tree sends one row to, numbered within its tree as LightGBM's {@code predict_leaf_index}. */
    int[] leafIndexes(double[] row) {
        double[] block = new double[forest.numColumns];
        long[] leafSets = new long[forest.numTrees];
        forest.fillBlock(row, 0, 1, block);
        forest.scan(block, 0, leafSets);
        int[] leaves = new int[forest.numTrees];
        for (int t = 0; t < forest.numTrees; t++) {
            leaves[t] = forest.exitLeaf(t, block, 0, leafSets) - forest.treeFirstLeaf[t];
        }
        return leaves;
    }

    private void checkCall(double[] rowMajor, int rows, double[] out, int outPerRow) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows should not be negative, found " + rows);
        }
        long inputValues = (long) rows * forest.numFeatures;
        if (rowMajor.length < inputValues) {
            throw new IllegalArgumentException("rowMajor holds " + rowMajor.length + " values, but " + rows + " rows x "
                    + forest.numFeatures + " features need " + inputValues);
        }
        long outputValues = (long) rows * outPerRow;
        if (out.length < outputValues) {
            throw new IllegalArgumentException("out holds " + out.length + " values, but " + rows + " rows need "
                    + outputValues + " (" + outPerRow + " per row)");
        }
    }

    /** A thread's block of prepared rows and the leaf sets of one row. */
    private static final class ScoreScratch {
        final double[] block;
        final long[] leafSets;

        ScoreScratch(double[] block, long[] leafSets) {
            this.block = block;
            this.leafSets = leafSets;
        }
    }

    private ScoreScratch newScoreScratch() {
        return new ScoreScratch(new double[BLOCK_ROWS * forest.numColumns], new long[forest.numTrees]);
    }

    private void rawScores(ScoreScratch scratch, double[] rowMajor, int first, int rows, double[] out) {
        int classes = forest.numClasses;
        for (int start = first; start < first + rows; start += BLOCK_ROWS) {
            int count = Math.min(BLOCK_ROWS, first + rows - start);
            forest.fillBlock(rowMajor, start, count, scratch.block);
            Arrays.fill(out, start * classes, (start + count) * classes, 0.0);
            forest.addRawScores(scratch.block, count, out, start * classes, scratch.leafSets);
        }
    }

    /** A thread's TreeSHAP path and its block of input rows. */
    private static final class ShapScratch {
        final TreeShap shap;
        final double[] values;

        ShapScratch(TreeShap shap, double[] values) {
            this.shap = shap;
            this.values = values;
        }
    }

    private ShapScratch newShapScratch() {
        return new ShapScratch(new TreeShap(forest), new double[BLOCK_ROWS * forest.numFeatures]);
    }

    /**
     * Contributions of a slice of rows, block by block, tree after tree within a block: the order in which LightGBM
     * adds them up for each row. {@code onlyClass < 0} means every class, in LightGBM's layout.
     */
    private void contributionsOf(
            ShapScratch scratch, double[] rowMajor, int first, int rows, int onlyClass, double[] out, int outStart) {
        int features = forest.numFeatures;
        int perClass = features + 1;
        int perRow = onlyClass < 0 ? perClass * forest.numClasses : perClass;
        double[] values = scratch.values;
        for (int start = first; start < first + rows; start += BLOCK_ROWS) {
            int count = Math.min(BLOCK_ROWS, first + rows - start);
            for (int i = 0; i < count * features; i++) {
                values[i] = FlatForest.asLightGbmInput(rowMajor[start * features + i]);
            }
            int blockOut = outStart + (start - first) * perRow;
            Arrays.fill(out, blockOut, blockOut + count * perRow, 0.0);
            for (int t = 0; t < forest.numTrees; t++) {
                int treeClass = forest.treeClass[t];
                if (onlyClass >= 0 && treeClass != onlyClass) {
                    continue;
                }
                int classOffset = onlyClass < 0 ? treeClass * perClass : 0;
                for (int r = 0; r < count; r++) {
                    scratch.shap.addTree(t, values, r * features, out, blockOut + r * perRow + classOffset);
                }
            }
        }
    }
}
