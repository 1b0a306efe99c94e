package org.hmis.predictions.trees;

/**
 * One tree as LightGBM's text format states it, after {@link LightGbmTextParser} checked that its arrays agree in
 * length, that its children form a tree and that every index is in range. Node arrays are indexed by internal node
 * (0 is the root), leaf arrays by leaf; a child {@code c < 0} is leaf {@code ~c}, as in LightGBM.
 */
final class ParsedTree {

    /** {@code decision_type} bit 0: the split tests a category's membership in a bitset. */
    static final int CATEGORICAL = 1;
    /** {@code decision_type} bit 1: a missing value goes to the left child. */
    static final int DEFAULT_LEFT = 2;
    /** {@code decision_type} bits 2-3, LightGBM's {@code MissingType}: nothing is missing, so NaN counts as 0. */
    static final int MISSING_NONE = 0;
    /** Missing type: 0 (and NaN, which becomes 0) is missing. */
    static final int MISSING_ZERO = 1;
    /** Missing type: NaN is missing. */
    static final int MISSING_NAN = 2;

    final int numLeaves;
    final int[] splitFeature;
    final double[] threshold;
    final byte[] decisionType;
    final int[] leftChild;
    final int[] rightChild;
    final double[] leafValue;
    final int[] leafCount;
    final int[] internalCount;
    /** Where categorical split {@code i}'s bitset starts in {@link #catThreshold}; {@code num_cat + 1} entries. */
    final int[] catBoundaries;
    /** The bitsets of all categorical splits, 32 categories per word, category {@code c} at bit {@code c % 32}. */
    final int[] catThreshold;

    ParsedTree(
            int numLeaves,
            int[] splitFeature,
            double[] threshold,
            byte[] decisionType,
            int[] leftChild,
            int[] rightChild,
            double[] leafValue,
            int[] leafCount,
            int[] internalCount,
            int[] catBoundaries,
            int[] catThreshold) {
        this.numLeaves = numLeaves;
        this.splitFeature = splitFeature;
        this.threshold = threshold;
        this.decisionType = decisionType;
        this.leftChild = leftChild;
        this.rightChild = rightChild;
        this.leafValue = leafValue;
        this.leafCount = leafCount;
        this.internalCount = internalCount;
        this.catBoundaries = catBoundaries;
        this.catThreshold = catThreshold;
    }

    int numInternal() {
        return numLeaves - 1;
    }

    static boolean isCategorical(byte decisionType) {
        return (decisionType & CATEGORICAL) != 0;
    }

    static boolean isDefaultLeft(byte decisionType) {
        return (decisionType & DEFAULT_LEFT) != 0;
    }

    static int missingType(byte decisionType) {
        return (decisionType >> 2) & 3;
    }
}
