package org.hmis.predictions.common.drift;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts rows of features into a {@link DriftBaseline}'s bins, one row at a time as a stream goes by. A row costs a
 * binary search over at most a few edges per feature, and the counts are all it keeps, so a wrangle can count every
 * guest it writes. A row may weigh less than one: a household's members, who share every feature under a household
 * specification, weigh one over their number, so the household counts once. Not thread-safe: one per stream.
 */
public final class DriftCounts {
    private final DriftBaseline baseline;
    private final List<FeatureDistribution> features;
    /** Each feature's edges unboxed: a wrangle counts every guest, and boxed edges cost it measurably. */
    private final double[][] edges;

    private final double[][] counts;
    private long rows;
    private double weight;

    public DriftCounts(DriftBaseline baseline) {
        this.baseline = baseline;
        this.features = baseline.features();
        this.edges = new double[features.size()][];
        this.counts = new double[features.size()][];
        for (int f = 0; f < features.size(); f++) {
            edges[f] = features.get(f).edges().stream()
                    .mapToDouble(Double::doubleValue)
                    .toArray();
            counts[f] = new double[features.get(f).categories()];
        }
    }

    /**
     * Counts one row as one.
     *
     * @param values the row's features in the baseline's order, {@code NaN} for missing
     */
    public void add(double[] values) {
        add(values, 1);
    }

    /**
     * Counts one row with the given weight.
     *
     * @param values the row's features in the baseline's order, {@code NaN} for missing
     * @param weight what the row counts for, above 0 and at most 1
     */
    public void add(double[] values, double weight) {
        if (values.length != counts.length) {
            throw new IllegalArgumentException(
                    "a row has " + values.length + " features, the baseline " + counts.length);
        }
        if (!(weight > 0 && weight <= 1)) {
            throw new IllegalArgumentException("a row's weight should be in (0, 1], found " + weight);
        }
        for (int f = 0; f < counts.length; f++) {
            counts[f][category(edges[f], values[f])] += weight;
        }
        rows++;
        this.weight += weight;
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

    /** The rows' weights added up: the households counted when each member weighed one over their number. */
    public double weight() {
        return weight;
    }

    /**
     * What was counted, scaled so each feature's counts add up to {@code households}: the number of independent
     * draws the rows stand for (rows of one household share much, so they count as one between them).
     *
     * @throws IllegalStateException when no row was counted: there is no distribution to compare
     */
    public DriftSample sample(double households) {
        if (rows == 0) {
            throw new IllegalStateException("no rows counted: there is nothing to compare with the baseline");
        }
        Map<String, List<Double>> scaled = new LinkedHashMap<>();
        for (int f = 0; f < counts.length; f++) {
            List<Double> categories = new ArrayList<>(counts[f].length);
            for (double count : counts[f]) {
                categories.add(count * households / weight);
            }
            scaled.put(features.get(f).feature(), categories);
        }
        return new DriftSample(households, scaled);
    }

    public DriftBaseline baseline() {
        return baseline;
    }
}
