package org.hmis.predictions.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hmis.predictions.common.drift.DriftBaseline;
import org.hmis.predictions.common.drift.FeatureDistribution;

/**
 * The drift baseline of a model: how each feature was spread over the rows it was trained on. A feature whose values
 * are all 0 or 1 is a flag (the shares of 0 and 1); any other is binned at its deciles, ties merged, and the top edge
 * dropped when it is the largest value, so no bin is empty by construction. Missing values get a share of their own.
 * Public for the drift benchmark, which builds baselines of generated households as training would.
 */
public final class TrainingDistribution {
    private static final int QUANTILES = 10;

    private TrainingDistribution() {}

    /**
     * The baseline of {@code rows} training rows.
     *
     * @param rowMajor {@code rows x featureNames.size()} values, row after row, {@code NaN} for missing
     */
    public static DriftBaseline of(List<String> featureNames, double[] rowMajor, int rows) {
        int width = featureNames.size();
        List<FeatureDistribution> features = new ArrayList<>(width);
        double[] present = new double[rows];
        for (int f = 0; f < width; f++) {
            int count = 0;
            boolean flag = true;
            for (int row = 0; row < rows; row++) {
                double value = rowMajor[row * width + f];
                if (!Double.isNaN(value)) {
                    present[count++] = value;
                    flag &= value == 0 || value == 1;
                }
            }
            double[] values = Arrays.copyOf(present, count);
            Arrays.sort(values);
            List<Double> edges = flag ? List.of(0.0) : decileEdges(values);
            features.add(distribution(featureNames.get(f), flag, edges, values, rows));
        }
        return new DriftBaseline(rows, features);
    }

    /** Distinct values at the 10th ... 90th percentile (nearest rank), below the largest value. */
    private static List<Double> decileEdges(double[] sorted) {
        List<Double> edges = new ArrayList<>();
        if (sorted.length == 0) {
            return edges;
        }
        double largest = sorted[sorted.length - 1];
        for (int q = 1; q < QUANTILES; q++) {
            int rank = (int) Math.ceil((double) q * sorted.length / QUANTILES);
            double edge = sorted[Math.max(0, rank - 1)];
            if (edge < largest && (edges.isEmpty() || edge > edges.get(edges.size() - 1))) {
                edges.add(edge);
            }
        }
        return edges;
    }

    private static FeatureDistribution distribution(
            String name, boolean flag, List<Double> edges, double[] presentValues, int rows) {
        long[] counts = new long[edges.size() + 1];
        for (double value : presentValues) {
            // The baseline's own rule, so training rows and tonight's guests fall in bins the same way.
            counts[FeatureDistribution.bin(edges, value)]++;
        }
        List<Double> shares = new ArrayList<>(counts.length);
        for (long binCount : counts) {
            shares.add((double) binCount / rows);
        }
        return new FeatureDistribution(
                name,
                flag ? FeatureDistribution.Kind.FLAG : FeatureDistribution.Kind.NUMBER,
                edges,
                shares,
                (double) (rows - presentValues.length) / rows);
    }
}
