package org.hmis.predictions.trees;

/**
 * Per-feature contributions as LightGBM's {@code predict_contrib} computes them: {@code Tree::TreeSHAP} (Lundberg et
 * al., arXiv:1706.06060) with the training row counts of nodes and leaves as weights, the same recursion over the
 * same path, adding to the contributions in the same order.
 *
 * <p>Two changes make it several times faster; they move the results by rounding only (about 1e-16 relative, far
 * inside the 1e-9 the tests require), so contributions are LightGBM's to within rounding, not bit for bit:
 *
 * <ul>
 *   <li>No division in the inner loops: the path weights' factors {@code (i + 1) / (d + 1)}, {@code (d - i) / (d +
 *       1)} and their inverses come from tables, and a fraction's inverse is taken once per use of the path.
 *   <li>At a leaf, every path element whose one-fraction is 0 (the row does not take that split's way to the leaf)
 *       has the same unwound sum over its zero-fraction, so {@code UnwoundPathSum}, linear in the path's length, runs
 *       once for all of them instead of once each: LightGBM's leaf cost, quadratic in the depth, becomes linear for
 *       those elements. The one-fraction is always 0 or 1 in TreeSHAP.
 * </ul>
 *
 * <p>One instance is one thread's scratch: the path arrays and tables are sized once for the deepest tree, so a row
 * costs no allocation. LightGBM stores the path as structs; here each field is an array, indexed the same way.
 */
final class TreeShap {

    private final FlatForest forest;
    private final int[] pathFeature;
    private final double[] pathZero;
    private final double[] pathOne;
    private final double[] pathWeight;
    /** For path length {@code d} (0-based depth) and element {@code i}: {@code (i + 1) / (d + 1)}. */
    private final double[][] growShare;
    /** {@code (d - i) / (d + 1)}. */
    private final double[][] stayShare;
    /** {@code (d + 1) / (i + 1)}. */
    private final double[][] growInverse;
    /** {@code (d + 1) / (d - i)}, for {@code i < d}. */
    private final double[][] stayInverse;
    /** {@code (d - i) / (i + 1)}. */
    private final double[][] stayPerGrowth;
    /** A leaf's path elements whose one-fraction is 1. */
    private final int[] hotElements;
    /** The two weights {@link #unwoundPathSums} gives. */
    private final double[] pairWeights = new double[2];

    TreeShap(FlatForest forest) {
        this.forest = forest;
        int deepest = 0;
        for (int depth : forest.treeMaxDepth) {
            deepest = Math.max(deepest, depth);
        }
        // LightGBM's unique_path_data: a path of d + 1 elements at each depth d, so (d + 1)(d + 2) / 2 in all.
        int size = (deepest + 1) * (deepest + 2) / 2;
        pathFeature = new int[size];
        pathZero = new double[size];
        pathOne = new double[size];
        pathWeight = new double[size];
        growShare = new double[deepest + 1][];
        stayShare = new double[deepest + 1][];
        growInverse = new double[deepest + 1][];
        stayInverse = new double[deepest + 1][];
        stayPerGrowth = new double[deepest + 1][];
        hotElements = new int[deepest + 1];
        for (int d = 0; d <= deepest; d++) {
            growShare[d] = new double[d + 1];
            stayShare[d] = new double[d + 1];
            growInverse[d] = new double[d + 1];
            stayInverse[d] = new double[d + 1];
            stayPerGrowth[d] = new double[d + 1];
            for (int i = 0; i <= d; i++) {
                growShare[d][i] = (i + 1) / (double) (d + 1);
                stayShare[d][i] = (d - i) / (double) (d + 1);
                growInverse[d][i] = (d + 1) / (double) (i + 1);
                stayInverse[d][i] = i < d ? (d + 1) / (double) (d - i) : 0;
                stayPerGrowth[d][i] = (d - i) / (double) (i + 1);
            }
        }
    }

    /**
     * Adds tree {@code t}'s contributions for one row, LightGBM's {@code Tree::PredictContrib}: the tree's expected
     * value to the last entry, then each feature's share of the difference to its prediction.
     *
     * @param values {@code numFeatures} values from {@code valuesOffset}, as LightGBM's input passes them on
     * @param phi {@code numFeatures + 1} contributions from {@code phiOffset}
     */
    void addTree(int t, double[] values, int valuesOffset, double[] phi, int phiOffset) {
        phi[phiOffset + forest.numFeatures] += forest.treeExpectedValue[t];
        int root = forest.treeRoot[t];
        if (root >= 0) {
            recurse(values, valuesOffset, phi, phiOffset, root, 0, 0, 1, 1, -1);
        }
    }

    private void recurse(
            double[] values,
            int valuesOffset,
            double[] phi,
            int phiOffset,
            int node,
            int parentDepth,
            int parentStart,
            double parentZeroFraction,
            double parentOneFraction,
            int parentFeature) {
        int depth = parentDepth;
        int start = parentStart + depth;
        // A copy of the parent's path, element by element: System.arraycopy costs more than it moves at this size.
        for (int i = 0; i < depth; i++) {
            pathFeature[start + i] = pathFeature[parentStart + i];
            pathZero[start + i] = pathZero[parentStart + i];
            pathOne[start + i] = pathOne[parentStart + i];
            pathWeight[start + i] = pathWeight[parentStart + i];
        }
        extendPath(start, depth, parentZeroFraction, parentOneFraction, parentFeature);

        if (node < 0) {
            double leafValue = forest.leafValue[~node];
            // Elements with one-fraction 0: weight = coldSum / z, so weight * (0 - z) = -coldSum. Each element is
            // a different feature, so adding element by element in another order changes nothing.
            double coldContribution = -coldSum(start, depth) * leafValue;
            int hotCount = 0;
            for (int i = 1; i <= depth; i++) {
                int at = start + i;
                if (pathOne[at] == 0) {
                    phi[phiOffset + pathFeature[at]] += coldContribution;
                } else {
                    hotElements[hotCount++] = i;
                }
            }
            // Two unwound sums at a time: each is a chain of dependent steps, two chains keep the core busy.
            int h = 0;
            for (; h + 1 < hotCount; h += 2) {
                unwoundPathSums(start, depth, hotElements[h], hotElements[h + 1]);
                addHot(phi, phiOffset, start + hotElements[h], pairWeights[0], leafValue);
                addHot(phi, phiOffset, start + hotElements[h + 1], pairWeights[1], leafValue);
            }
            if (h < hotCount) {
                addHot(phi, phiOffset, start + hotElements[h], unwoundPathSum(start, depth, hotElements[h]), leafValue);
            }
            return;
        }

        int feature = forest.nodeFeature[node];
        int left = forest.nodeChildren[2 * node];
        int right = forest.nodeChildren[2 * node + 1];
        int hot = forest.generalDecision(node, values[valuesOffset + feature]);
        int cold;
        double hotZeroFraction;
        double coldZeroFraction;
        if (hot == left) {
            cold = right;
            hotZeroFraction = forest.nodeLeftFraction[node];
            coldZeroFraction = forest.nodeRightFraction[node];
        } else {
            cold = left;
            hotZeroFraction = forest.nodeRightFraction[node];
            coldZeroFraction = forest.nodeLeftFraction[node];
        }
        double incomingZeroFraction = 1;
        double incomingOneFraction = 1;

        // A feature split on higher up the path is unwound, so that this split replaces it.
        int pathIndex = 0;
        while (pathIndex <= depth && pathFeature[start + pathIndex] != feature) {
            pathIndex++;
        }
        if (pathIndex != depth + 1) {
            incomingZeroFraction = pathZero[start + pathIndex];
            incomingOneFraction = pathOne[start + pathIndex];
            unwindPath(start, depth, pathIndex);
            depth -= 1;
        }

        recurse(
                values,
                valuesOffset,
                phi,
                phiOffset,
                hot,
                depth + 1,
                start,
                hotZeroFraction * incomingZeroFraction,
                incomingOneFraction,
                feature);
        recurse(
                values,
                valuesOffset,
                phi,
                phiOffset,
                cold,
                depth + 1,
                start,
                coldZeroFraction * incomingZeroFraction,
                0,
                feature);
    }

    private void extendPath(int start, int depth, double zeroFraction, double oneFraction, int feature) {
        int at = start + depth;
        pathFeature[at] = feature;
        pathZero[at] = zeroFraction;
        pathOne[at] = oneFraction;
        if (depth == 0) {
            pathWeight[at] = 1;
            return;
        }
        // LightGBM updates the weights in place from the top; each new weight only needs two old ones, so keeping
        // the lower one in a register avoids a chain of stores and loads through the array.
        double[] grow = growShare[depth];
        double[] stay = stayShare[depth];
        double stayed = 0;
        for (int i = depth - 1; i >= 0; i--) {
            double old = pathWeight[start + i];
            pathWeight[start + i + 1] = stayed + oneFraction * old * grow[i];
            stayed = zeroFraction * old * stay[i];
        }
        pathWeight[start] = stayed;
    }

    private void unwindPath(int start, int depth, int pathIndex) {
        double oneFraction = pathOne[start + pathIndex];
        double zeroFraction = pathZero[start + pathIndex];
        double nextOnePortion = pathWeight[start + depth];
        double[] stay = stayShare[depth];
        if (oneFraction != 0) {
            double[] growBack = growInverse[depth];
            double inverseOne = 1 / oneFraction;
            for (int i = depth - 1; i >= 0; i--) {
                int at = start + i;
                double previous = pathWeight[at];
                pathWeight[at] = nextOnePortion * growBack[i] * inverseOne;
                nextOnePortion = previous - pathWeight[at] * zeroFraction * stay[i];
            }
        } else {
            double[] stayBack = stayInverse[depth];
            double inverseZero = 1 / zeroFraction;
            for (int i = depth - 1; i >= 0; i--) {
                pathWeight[start + i] = pathWeight[start + i] * stayBack[i] * inverseZero;
            }
        }
        for (int i = pathIndex; i < depth; i++) {
            pathFeature[start + i] = pathFeature[start + i + 1];
            pathZero[start + i] = pathZero[start + i + 1];
            pathOne[start + i] = pathOne[start + i + 1];
        }
    }

    /**
     * LightGBM's {@code UnwoundPathSum} for an element whose one-fraction is 1. The recurrence is regrouped so that
     * each step waits for one multiplication and one subtraction: {@code next' = w_i - next * z * (d - i) / (i + 1)}.
     */
    private double unwoundPathSum(int start, int depth, int pathIndex) {
        double zeroFraction = pathZero[start + pathIndex];
        double[] growBack = growInverse[depth];
        double[] stayPerGrow = stayPerGrowth[depth];
        double nextOnePortion = pathWeight[start + depth];
        double total = 0;
        for (int i = depth - 1; i >= 0; i--) {
            total += nextOnePortion * growBack[i];
            nextOnePortion = pathWeight[start + i] - nextOnePortion * (zeroFraction * stayPerGrow[i]);
        }
        return total;
    }

    /** {@link #unwoundPathSum} of two elements at once, into {@link #pairWeights}: the same steps, interleaved. */
    private void unwoundPathSums(int start, int depth, int first, int second) {
        double firstZero = pathZero[start + first];
        double secondZero = pathZero[start + second];
        double[] growBack = growInverse[depth];
        double[] stayPerGrow = stayPerGrowth[depth];
        double firstNext = pathWeight[start + depth];
        double secondNext = firstNext;
        double firstTotal = 0;
        double secondTotal = 0;
        for (int i = depth - 1; i >= 0; i--) {
            double weight = pathWeight[start + i];
            firstTotal += firstNext * growBack[i];
            secondTotal += secondNext * growBack[i];
            firstNext = weight - firstNext * (firstZero * stayPerGrow[i]);
            secondNext = weight - secondNext * (secondZero * stayPerGrow[i]);
        }
        pairWeights[0] = firstTotal;
        pairWeights[1] = secondTotal;
    }

    private void addHot(double[] phi, int phiOffset, int at, double weight, double leafValue) {
        phi[phiOffset + pathFeature[at]] += weight * (pathOne[at] - pathZero[at]) * leafValue;
    }

    /**
     * {@code UnwoundPathSum} for an element whose one-fraction is 0, times its zero-fraction: the same for every
     * such element of the path, {@code sum(w_i * (d + 1) / (d - i))}.
     */
    private double coldSum(int start, int depth) {
        double[] stayBack = stayInverse[depth];
        double total = 0;
        for (int i = depth - 1; i >= 0; i--) {
            total += pathWeight[start + i] * stayBack[i];
        }
        return total;
    }
}
