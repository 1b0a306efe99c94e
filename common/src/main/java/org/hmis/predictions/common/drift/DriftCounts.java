package org.hmis.predictions.common.drift;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts rows of features into a {@link DriftBaseline}'s bins, one row at a time as a stream goes by, and gives each
 * feature's PSI against the baseline. A row costs a binary search over at most a few edges per feature, and the
 * counts are all it keeps, so a wrangle can count every guest it writes. Not thread-safe: one per stream.
 */
public final class DriftCounts {
    private final DriftBaseline baseline;
    private final List<FeatureDistribution> features;
    /** Each feature's edges unboxed: a wrangle counts every guest, and boxed edges cost it measurably. */
    private final double[][] edges;

    private final long[][] counts;
    private long rows;

    public DriftCounts(DriftBaseline baseline) {
        this.baseline = baseline;
        this.features = baseline.features();
        this.edges = new double[features.size()][];
        this.counts = new long[features.size()][];
        for (int f = 0; f < features.size(); f++) {
            edges[f] = features.get(f).edges().stream()
                    .mapToDouble(Double::doubleValue)
                    .toArray();
            counts[f] = new long[features.get(f).categories()];
        }
    }

    /**
     * Counts one row.
     *
     * @param values the row's features in the baseline's order, {@code NaN} for missing
     */
    public void add(double[] values) {
        if (values.length != counts.length) {
            throw new IllegalArgumentException(
                    "a row has " + values.length + " features, the baseline " + counts.length);
        }
        for (int f = 0; f < counts.length; f++) {
            counts[f][category(edges[f], values[f])]++;
        }
        rows++;
    }

    /** {@link FeatureDistribution#bin}'s rule on unboxed edges, with missing as the category after the bins. */
    private static int category(double[] edges, double value) {
        if (Double.isNaN(value)) {
            return edges.length + 1;
        }
        int low = 0;
        int high = edges.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (edges[middle] < value) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** Rows counted so far. */
    public long rows() {
        return rows;
    }

    /**
     * Each feature's PSI against the baseline, in the baseline's order.
     *
     * @throws IllegalStateException when no row was counted: there is no distribution to compare
     */
    public Map<String, Double> psi() {
        if (rows == 0) {
            throw new IllegalStateException("no rows counted: there is nothing to compare with the baseline");
        }
        Map<String, Double> psi = new LinkedHashMap<>();
        for (int f = 0; f < counts.length; f++) {
            double[] actual = new double[counts[f].length];
            for (int c = 0; c < actual.length; c++) {
                actual[c] = (double) counts[f][c] / rows;
            }
            psi.put(
                    features.get(f).feature(),
                    PopulationStabilityIndex.between(features.get(f).categoryShares(), actual));
        }
        return psi;
    }

    public DriftBaseline baseline() {
        return baseline;
    }
}
