package org.hmis.predictions.common.drift;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * How one feature's values were spread over the training rows: the share of rows in each bin, and the share missing.
 * A value {@code v} falls in the first bin {@code i} with {@code v <= edges[i]}, or in the last bin when it is above
 * every edge; {@code NaN} is missing. So {@code shares} has one more entry than {@code edges}, and the shares plus
 * {@code missing} add up to 1.
 *
 * @param feature the feature's name
 * @param kind {@link Kind#NUMBER}: edges at the training values' deciles (ties merged, so fewer bins where values
 *     repeat); {@link Kind#FLAG}: a 0/1 feature, one edge at 0, so the bins hold the shares of 0 and 1
 * @param edges the bins' upper edges, strictly ascending; empty when every training value was missing or equal
 * @param shares share of all training rows in each bin
 * @param missing share of training rows with no value
 */
public record FeatureDistribution(
        @JsonProperty("feature") String feature,
        @JsonProperty("kind") Kind kind,
        @JsonProperty("edges") List<Double> edges,
        @JsonProperty("shares") List<Double> shares,
        @JsonProperty("missing") double missing) {

    /** Shares may miss 1 by rounding; more than this is a broken baseline. */
    private static final double TOLERANCE = 1e-6;

    /** What kind of values the feature holds. */
    public enum Kind {
        @JsonProperty("number")
        NUMBER,
        @JsonProperty("flag")
        FLAG
    }

    public FeatureDistribution {
        if (feature == null || feature.isBlank()) {
            throw new IllegalArgumentException("a drift baseline's feature has no name");
        }
        if (kind == null) {
            throw new IllegalArgumentException("drift baseline of " + feature + ": 'kind' is missing");
        }
        if (edges == null || shares == null) {
            throw new IllegalArgumentException("drift baseline of " + feature + ": 'edges' or 'shares' is missing");
        }
        edges = List.copyOf(edges);
        shares = List.copyOf(shares);
        for (int i = 0; i < edges.size(); i++) {
            if (!Double.isFinite(edges.get(i)) || (i > 0 && edges.get(i) <= edges.get(i - 1))) {
                throw new IllegalArgumentException(
                        "drift baseline of " + feature + ": 'edges' must be finite and strictly ascending: " + edges);
            }
        }
        if (shares.size() != edges.size() + 1) {
            throw new IllegalArgumentException("drift baseline of " + feature + ": " + edges.size() + " edges make "
                    + (edges.size() + 1) + " bins, but there are " + shares.size() + " shares");
        }
        double total = missing;
        for (double share : shares) {
            requireShare(feature, share);
            total += share;
        }
        requireShare(feature, missing);
        if (Math.abs(total - 1) > TOLERANCE) {
            throw new IllegalArgumentException(
                    "drift baseline of " + feature + ": shares and missing add up to " + total + ", not 1");
        }
    }

    /** The bin {@code value} falls in, or -1 when it is missing ({@code NaN}). */
    public int bin(double value) {
        return bin(edges, value);
    }

    /**
     * The bin {@code value} falls in among bins of the given upper edges, or -1 when it is missing ({@code NaN}): the
     * rule both the baseline's shares and tonight's counts follow.
     */
    public static int bin(List<Double> edges, double value) {
        if (Double.isNaN(value)) {
            return -1;
        }
        int low = 0;
        int high = edges.size();
        // The first edge >= value; edges.size() (the last bin) when there is none.
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (edges.get(middle) < value) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** The bins' shares, then the missing share: the categories PSI compares. */
    public double[] categoryShares() {
        double[] categories = new double[shares.size() + 1];
        for (int i = 0; i < shares.size(); i++) {
            categories[i] = shares.get(i);
        }
        categories[shares.size()] = missing;
        return categories;
    }

    /**
     * {@link #categoryShares()} with one more row in every category (Laplace), over the {@code rows} the shares were
     * taken on: a category empty in training keeps a small share, so guests in it tonight are a finite surprise.
     */
    public double[] smoothedShares(long rows) {
        double[] shares = categoryShares();
        for (int i = 0; i < shares.length; i++) {
            shares[i] = (shares[i] * rows + 1) / (rows + shares.length);
        }
        return shares;
    }

    /** The bins plus one for missing values. */
    public int categories() {
        return shares.size() + 1;
    }

    private static void requireShare(String feature, double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException(
                    "drift baseline of " + feature + ": a share should be between 0 and 1, found " + share);
        }
    }
}
