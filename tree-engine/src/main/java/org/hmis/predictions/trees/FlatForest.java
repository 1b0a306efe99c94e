package org.hmis.predictions.trees;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * All trees of a model in flat primitive arrays, and the raw-score kernel over a block of rows.
 *
 * <p>Internal nodes of all trees share one index space, and so do leaves; a child {@code c >= 0} is node {@code c},
 * a child {@code c < 0} is leaf {@code ~c}, as in LightGBM. Node {@code n}'s children are {@code children[2n]} (left)
 * and {@code children[2n + 1]} (right), so a decision is an index: {@code children[2n + goesRight]}.
 *
 * <p>Rows are first copied into a block of <em>columns</em>, each a feature's value prepared for one kind of split,
 * so that nearly every numerical split becomes the single test {@code column <= threshold}:
 *
 * <ul>
 *   <li>every value with {@code |x| <= kZeroThreshold} becomes 0, as LightGBM's dense-matrix input drops it;
 *   <li>for a split whose missing type is None, NaN becomes 0 (LightGBM's {@code NumericalDecision});
 *   <li>for missing type NaN, NaN becomes -inf where missing values go left and +inf where they go right;
 *   <li>for missing type Zero, 0 and NaN become -inf or +inf the same way.
 * </ul>
 *
 * <p>The substitution is exact: -inf goes left at every threshold, +inf goes right at every threshold below +inf.
 * Trees with a categorical split, a NaN threshold, or a +inf threshold where missing values go right are evaluated
 * by {@link #generalDecision}, LightGBM's decision rules on the untransformed value.
 */
final class FlatForest {

    /** LightGBM's {@code kZeroThreshold}, a float constant ({@code 1e-35f}) compared as a double. */
    static final double ZERO_THRESHOLD = 1e-35f;

    /** Column kinds: how a feature's value is prepared (see the class comment). */
    static final byte RAW = 0;

    static final byte NAN_AS_ZERO = 1;
    static final byte NAN_AS_NEGATIVE_INFINITY = 2;
    static final byte NAN_AS_POSITIVE_INFINITY = 3;
    static final byte ZERO_OR_NAN_AS_NEGATIVE_INFINITY = 4;
    static final byte ZERO_OR_NAN_AS_POSITIVE_INFINITY = 5;

    final int numFeatures;
    final int numClasses;
    final int numTrees;
    /** Tree {@code t} adds to score {@code t % numClasses}; kept as an array so the kernel does not divide. */
    final int[] treeClass;
    /** The root node, or {@code ~leaf} for a tree of one leaf. */
    final int[] treeRoot;
    /** The global index of the tree's leaf 0. */
    final int[] treeFirstLeaf;
    /** Whether the tree needs {@link #generalDecision} (categorical splits and the rare thresholds it handles). */
    final boolean[] treeGeneral;
    /** The deepest leaf's depth, which bounds the TreeSHAP path. */
    final int[] treeMaxDepth;

    final int[] nodeColumn;
    final double[] nodeThreshold;
    final int[] nodeChildren;
    final int[] nodeFeature;
    final byte[] nodeDecision;
    /** Where a categorical split's bitset starts in {@link #categoryBits}, and how many words it has. */
    final int[] nodeCategoryStart;

    final int[] nodeCategoryWords;
    final int[] categoryBits;
    final double[] leafValue;

    /** TreeSHAP's weights: the share of the node's training rows that went left, and right. */
    final double[] nodeLeftFraction;

    final double[] nodeRightFraction;
    /** LightGBM's {@code Tree::ExpectedValue}: leaf values weighted by their training row counts. */
    final double[] treeExpectedValue;

    final int numColumns;
    final int[] columnFeature;
    final byte[] columnKind;

    /**
     * QuickScorer (Lucchese et al., SIGIR 2015) for the trees of at most 64 leaves whose splits are all
     * {@code column <= threshold}: for each column, those trees' splits sorted by threshold, each with the tree it
     * belongs to and a mask that clears the leaves of its left subtree. A row's value {@code x} sends every split with
     * {@code threshold < x} right, so clearing those splits' masks from an all-ones set per tree leaves the exit leaf
     * as the lowest set bit, leaves numbered left to right. This replaces a walk down each tree, whose every step waits
     * for the one before, by independent bit operations.
     */
    final int[] scanStart;

    final double[] scanThreshold;
    final int[] scanTree;
    final long[] scanMask;
    /** Whether the tree's exit leaf is the lowest bit of its set; else it is walked. */
    final boolean[] treeScanned;
    /** The tree's leaves left to right (global indexes), from {@link #orderedLeafStart}. */
    final int[] orderedLeaf;

    final int[] orderedLeafStart;

    FlatForest(ParsedModelText model) {
        List<ParsedTree> trees = model.trees;
        numFeatures = model.featureNames.size();
        numClasses = model.numClasses;
        numTrees = trees.size();
        int nodes = 0;
        int leaves = 0;
        int words = 0;
        for (ParsedTree tree : trees) {
            nodes += tree.numInternal();
            leaves += tree.numLeaves;
            words += tree.catThreshold.length;
        }
        treeClass = new int[numTrees];
        treeRoot = new int[numTrees];
        treeFirstLeaf = new int[numTrees];
        treeGeneral = new boolean[numTrees];
        treeMaxDepth = new int[numTrees];
        treeExpectedValue = new double[numTrees];
        nodeColumn = new int[nodes];
        nodeThreshold = new double[nodes];
        nodeChildren = new int[2 * nodes];
        nodeFeature = new int[nodes];
        nodeDecision = new byte[nodes];
        nodeCategoryStart = new int[nodes];
        nodeCategoryWords = new int[nodes];
        nodeLeftFraction = new double[nodes];
        nodeRightFraction = new double[nodes];
        categoryBits = new int[words];
        leafValue = new double[leaves];

        Map<Integer, Integer> columns = new HashMap<>();
        int nodeBase = 0;
        int leafBase = 0;
        int wordBase = 0;
        for (int t = 0; t < numTrees; t++) {
            ParsedTree tree = trees.get(t);
            treeClass[t] = t % numClasses;
            treeFirstLeaf[t] = leafBase;
            System.arraycopy(tree.leafValue, 0, leafValue, leafBase, tree.numLeaves);
            treeExpectedValue[t] = expectedValue(tree);
            if (tree.numLeaves == 1) {
                treeRoot[t] = ~leafBase;
            } else {
                treeRoot[t] = nodeBase;
                treeGeneral[t] = needsGeneralDecision(tree);
                treeMaxDepth[t] = maxDepth(tree, 0);
                for (int i = 0; i < tree.numInternal(); i++) {
                    int node = nodeBase + i;
                    byte decision = tree.decisionType[i];
                    nodeFeature[node] = tree.splitFeature[i];
                    nodeDecision[node] = decision;
                    nodeThreshold[node] = tree.threshold[i];
                    nodeChildren[2 * node] = globalChild(tree.leftChild[i], nodeBase, leafBase);
                    nodeChildren[2 * node + 1] = globalChild(tree.rightChild[i], nodeBase, leafBase);
                    byte kind = treeGeneral[t] ? RAW : columnKind(decision);
                    nodeColumn[node] =
                            columns.computeIfAbsent(columnKey(tree.splitFeature[i], kind), key -> columns.size());
                    double count = tree.internalCount[i];
                    nodeLeftFraction[node] = childCount(tree, tree.leftChild[i]) / count;
                    nodeRightFraction[node] = childCount(tree, tree.rightChild[i]) / count;
                    if (ParsedTree.isCategorical(decision)) {
                        int split = (int) tree.threshold[i];
                        nodeCategoryStart[node] = wordBase + tree.catBoundaries[split];
                        nodeCategoryWords[node] = tree.catBoundaries[split + 1] - tree.catBoundaries[split];
                    }
                }
            }
            System.arraycopy(tree.catThreshold, 0, categoryBits, wordBase, tree.catThreshold.length);
            nodeBase += tree.numInternal();
            leafBase += tree.numLeaves;
            wordBase += tree.catThreshold.length;
        }
        numColumns = columns.size();
        columnFeature = new int[numColumns];
        columnKind = new byte[numColumns];
        for (Map.Entry<Integer, Integer> column : columns.entrySet()) {
            columnFeature[column.getValue()] = column.getKey() >> 3;
            columnKind[column.getValue()] = (byte) (column.getKey() & 7);
        }

        treeScanned = new boolean[numTrees];
        orderedLeafStart = new int[numTrees];
        orderedLeaf = new int[leaves];
        List<List<long[]>> splitsByColumn = new ArrayList<>();
        for (int c = 0; c < numColumns; c++) {
            splitsByColumn.add(new ArrayList<>());
        }
        int ordered = 0;
        for (int t = 0; t < numTrees; t++) {
            orderedLeafStart[t] = ordered;
            int root = treeRoot[t];
            int numLeaves = trees.get(t).numLeaves;
            treeScanned[t] = numLeaves <= Long.SIZE && !treeGeneral[t];
            if (root < 0) {
                orderedLeaf[ordered++] = ~root;
            } else if (treeScanned[t]) {
                ordered = collectSplits(t, root, ordered, ordered, splitsByColumn);
            } else {
                ordered += numLeaves;
            }
        }
        scanStart = new int[numColumns + 1];
        int splits = 0;
        for (List<long[]> column : splitsByColumn) {
            splits += column.size();
        }
        scanThreshold = new double[splits];
        scanTree = new int[splits];
        scanMask = new long[splits];
        int at = 0;
        for (int c = 0; c < numColumns; c++) {
            scanStart[c] = at;
            List<long[]> column = splitsByColumn.get(c);
            column.sort(Comparator.comparingDouble(split -> nodeThreshold[(int) split[0]]));
            for (long[] split : column) {
                scanThreshold[at] = nodeThreshold[(int) split[0]];
                scanTree[at] = (int) split[1];
                scanMask[at] = split[2];
                at++;
            }
        }
        scanStart[numColumns] = at;
    }

    /**
     * Numbers the leaves under {@code node} left to right from {@code next} (the tree's first number is
     * {@code first}) and adds each split's entry to its column's list: the node, the tree, and a mask with the leaves
     * of the node's left subtree cleared. Returns the next free number.
     */
    private int collectSplits(int t, int node, int first, int next, List<List<long[]>> splitsByColumn) {
        if (node < 0) {
            orderedLeaf[next] = ~node;
            return next + 1;
        }
        int leftEnd = collectSplits(t, nodeChildren[2 * node], first, next, splitsByColumn);
        long mask = -1L;
        for (int leaf = next; leaf < leftEnd; leaf++) {
            mask &= ~(1L << (leaf - first));
        }
        splitsByColumn.get(nodeColumn[node]).add(new long[] {node, t, mask});
        return collectSplits(t, nodeChildren[2 * node + 1], first, leftEnd, splitsByColumn);
    }

    private static int columnKey(int feature, byte kind) {
        return (feature << 3) | kind;
    }

    private static int globalChild(int child, int nodeBase, int leafBase) {
        return child >= 0 ? nodeBase + child : ~(leafBase + ~child);
    }

    /** LightGBM's {@code Tree::data_count}: a node's or a leaf's training row count. */
    private static int childCount(ParsedTree tree, int child) {
        return child >= 0 ? tree.internalCount[child] : tree.leafCount[~child];
    }

    private static double expectedValue(ParsedTree tree) {
        if (tree.numLeaves == 1) {
            return tree.leafValue[0];
        }
        double total = tree.internalCount[0];
        double expected = 0.0;
        for (int leaf = 0; leaf < tree.numLeaves; leaf++) {
            expected += (tree.leafCount[leaf] / total) * tree.leafValue[leaf];
        }
        return expected;
    }

    private static int maxDepth(ParsedTree tree, int node) {
        int left = tree.leftChild[node] >= 0 ? maxDepth(tree, tree.leftChild[node]) : 0;
        int right = tree.rightChild[node] >= 0 ? maxDepth(tree, tree.rightChild[node]) : 0;
        return 1 + Math.max(left, right);
    }

    /** Whether some split of the tree cannot be reduced to {@code column <= threshold} (see the class comment). */
    private static boolean needsGeneralDecision(ParsedTree tree) {
        for (int i = 0; i < tree.numInternal(); i++) {
            byte decision = tree.decisionType[i];
            double threshold = tree.threshold[i];
            boolean missingGoesRight =
                    ParsedTree.missingType(decision) != ParsedTree.MISSING_NONE && !ParsedTree.isDefaultLeft(decision);
            if (ParsedTree.isCategorical(decision)
                    || Double.isNaN(threshold)
                    || (missingGoesRight && threshold == Double.POSITIVE_INFINITY)) {
                return true;
            }
        }
        return false;
    }

    private static byte columnKind(byte decision) {
        boolean left = ParsedTree.isDefaultLeft(decision);
        return switch (ParsedTree.missingType(decision)) {
            case ParsedTree.MISSING_ZERO -> left ? ZERO_OR_NAN_AS_NEGATIVE_INFINITY : ZERO_OR_NAN_AS_POSITIVE_INFINITY;
            case ParsedTree.MISSING_NAN -> left ? NAN_AS_NEGATIVE_INFINITY : NAN_AS_POSITIVE_INFINITY;
            default -> NAN_AS_ZERO;
        };
    }

    /** A value as LightGBM's dense-matrix input passes it on: tiny values dropped, that is 0. */
    static double asLightGbmInput(double value) {
        return Math.abs(value) <= ZERO_THRESHOLD ? 0.0 : value;
    }

    /** Copies {@code rows} rows starting at {@code firstRow} into {@code block}, one column after another per row. */
    void fillBlock(double[] rowMajor, int firstRow, int rows, double[] block) {
        for (int r = 0; r < rows; r++) {
            int source = (firstRow + r) * numFeatures;
            int target = r * numColumns;
            for (int c = 0; c < numColumns; c++) {
                block[target + c] = prepare(columnKind[c], asLightGbmInput(rowMajor[source + columnFeature[c]]));
            }
        }
    }

    private static double prepare(byte kind, double value) {
        boolean nan = Double.isNaN(value);
        return switch (kind) {
            case NAN_AS_ZERO -> nan ? 0.0 : value;
            case NAN_AS_NEGATIVE_INFINITY -> nan ? Double.NEGATIVE_INFINITY : value;
            case NAN_AS_POSITIVE_INFINITY -> nan ? Double.POSITIVE_INFINITY : value;
            case ZERO_OR_NAN_AS_NEGATIVE_INFINITY -> nan || value == 0.0 ? Double.NEGATIVE_INFINITY : value;
            case ZERO_OR_NAN_AS_POSITIVE_INFINITY -> nan || value == 0.0 ? Double.POSITIVE_INFINITY : value;
            default -> value;
        };
    }

    /**
     * Adds every tree's leaf value to its class's score, for the {@code rows} rows of a block, in LightGBM's order:
     * tree after tree, so each score receives its trees iteration after iteration, in double.
     *
     * @param scores {@code rows x numClasses} scores from {@code offset}, zero on entry
     * @param leafSets scratch of {@code numTrees} values
     */
    void addRawScores(double[] block, int rows, double[] scores, int offset, long[] leafSets) {
        for (int r = 0; r < rows; r++) {
            int base = r * numColumns;
            scan(block, base, leafSets);
            int target = offset + r * numClasses;
            for (int t = 0; t < numTrees; t++) {
                scores[target + treeClass[t]] += leafValue[exitLeaf(t, block, base, leafSets)];
            }
        }
    }

    /** QuickScorer's pass over one row's columns: the leaf sets of the scanned trees, in {@code leafSets}. */
    void scan(double[] block, int base, long[] leafSets) {
        Arrays.fill(leafSets, -1L);
        for (int c = 0; c < numColumns; c++) {
            double x = block[base + c];
            int end = scanStart[c + 1];
            for (int i = scanStart[c]; i < end && scanThreshold[i] < x; i++) {
                leafSets[scanTree[i]] &= scanMask[i];
            }
        }
    }

    /** The leaf (global index) a row reaches in tree {@code t}, after {@link #scan} of the row. */
    int exitLeaf(int t, double[] block, int base, long[] leafSets) {
        if (treeScanned[t]) {
            return orderedLeaf[orderedLeafStart[t] + Long.numberOfTrailingZeros(leafSets[t])];
        }
        return ~(treeGeneral[t] ? generalLeaf(treeRoot[t], block, base) : fastLeaf(treeRoot[t], block, base));
    }

    private int fastLeaf(int root, double[] block, int base) {
        int node = root;
        while (node >= 0) {
            node = nodeChildren[2 * node + (block[base + nodeColumn[node]] > nodeThreshold[node] ? 1 : 0)];
        }
        return node;
    }

    private int generalLeaf(int root, double[] block, int base) {
        int node = root;
        while (node >= 0) {
            node = generalDecision(node, block[base + nodeColumn[node]]);
        }
        return node;
    }

    /**
     * LightGBM's {@code Tree::Decision} on a value as its input passes it on: the child that {@code value} goes to.
     */
    int generalDecision(int node, double value) {
        byte decision = nodeDecision[node];
        int left = nodeChildren[2 * node];
        int right = nodeChildren[2 * node + 1];
        if (ParsedTree.isCategorical(decision)) {
            // NaN and negative categories go right; a cast of a huge value saturates, far beyond any bitset.
            if (Double.isNaN(value) || (int) value < 0) {
                return right;
            }
            int category = (int) value;
            int word = category >>> 5;
            if (word < nodeCategoryWords[node]
                    && ((categoryBits[nodeCategoryStart[node] + word] >>> (category & 31)) & 1) != 0) {
                return left;
            }
            return right;
        }
        int missingType = ParsedTree.missingType(decision);
        double x = value;
        if (Double.isNaN(x) && missingType != ParsedTree.MISSING_NAN) {
            x = 0.0;
        }
        if ((missingType == ParsedTree.MISSING_ZERO && Math.abs(x) <= ZERO_THRESHOLD)
                || (missingType == ParsedTree.MISSING_NAN && Double.isNaN(x))) {
            return ParsedTree.isDefaultLeft(decision) ? left : right;
        }
        return x <= nodeThreshold[node] ? left : right;
    }
}
