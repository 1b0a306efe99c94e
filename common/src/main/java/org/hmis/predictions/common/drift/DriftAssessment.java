package org.hmis.predictions.common.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.commons.numbers.gamma.RegularizedGamma;

/**
 * Whether tonight's households are distributed unlike the model's training rows, feature by feature, in a way that
 * both chance at this many households does not explain and is large enough to matter.
 *
 * <p>A fixed PSI threshold cries wolf at a shelter's size: PSI grows with the noise of few households (about one
 * category's worth per household measured), so a same-distribution night of a few dozen households passes 0.25
 * most of the time. Here each feature gets a chi-square test of homogeneity, tonight's households against the
 * baseline's rows (so a baseline of few rows is not taken as exact), over its categories merged in order until each
 * expects at least {@link #MIN_EXPECTED} households (where the chi-square law holds; too few households for two such
 * categories means no test). The features' p-values are corrected together (Holm), and a feature has shifted when its
 * corrected p-value is below {@link #ALPHA} and its PSI at least {@link #EFFECT_FLOOR}: at thousands of households
 * every trivial difference is significant, and only a shift a PSI reading calls moderate or more is worth an alarm.
 *
 * <p>The PSI reported is over smoothed shares: the baseline's with one row more in every category (Laplace), and
 * tonight's with as many households more as there are categories, spread as in the baseline. Smoothing tonight toward
 * the baseline rather than toward equal shares keeps a category empty in both from reading as a shift, while an
 * empty bin at a few dozen households no longer dominates the figure.
 *
 * @param households the households the test rests on
 * @param features one test per feature, in the baseline's order
 */
public record DriftAssessment(double households, List<FeatureShift> features) {
    /**
     * The chance of any false alarm on a night drawn like the training rows, as the chi-square law reckons it: a fifth
     * of the 5% aimed at, since at a few dozen households that law understates the tail a little on every feature.
     */
    public static final double ALPHA = 0.01;
    /**
     * Households a merged category must expect before the chi-square law is trusted: twice Cochran's rule, as the
     * test is read far in its tail once corrected for testing every feature.
     */
    public static final double MIN_EXPECTED = 10;
    /** The smallest PSI that alarms, however significant: below it a distribution reads as unchanged. */
    public static final double EFFECT_FLOOR = PopulationStabilityIndex.WATCH;

    public DriftAssessment {
        features = List.copyOf(features);
    }

    /** Tests every feature of {@code sample} against {@code baseline}. */
    public static DriftAssessment of(DriftBaseline baseline, DriftSample sample) {
        double n = sample.households();
        long rows = baseline.rows();
        List<FeatureDistribution> distributions = baseline.features();
        double[][] tests = new double[distributions.size()][];
        for (int f = 0; f < distributions.size(); f++) {
            FeatureDistribution distribution = distributions.get(f);
            double[] counts = sample.counts(distribution.feature());
            if (counts.length != distribution.categories()) {
                throw new IllegalArgumentException(distribution.feature() + " has " + counts.length
                        + " counts, the baseline " + distribution.categories() + " categories");
            }
            tests[f] = test(distribution.smoothedShares(rows), counts, n, rows);
        }
        double[] adjusted = holm(Arrays.stream(tests).mapToDouble(t -> t[2]).toArray(), tests);
        List<FeatureShift> shifts = new ArrayList<>(distributions.size());
        for (int f = 0; f < distributions.size(); f++) {
            double psi = tests[f][3];
            shifts.add(new FeatureShift(
                    distributions.get(f).feature(),
                    psi,
                    tests[f][0],
                    (int) tests[f][1],
                    tests[f][2],
                    adjusted[f],
                    adjusted[f] < ALPHA && psi >= EFFECT_FLOOR));
        }
        return new DriftAssessment(n, shifts);
    }

    /** The shifted features with their PSI, largest first. */
    public Map<String, Double> shifted() {
        Map<String, Double> shifted = new LinkedHashMap<>();
        features.stream()
                .filter(FeatureShift::shifted)
                .sorted(Comparator.comparingDouble(FeatureShift::psi).reversed())
                .forEach(s -> shifted.put(s.feature(), s.psi()));
        return shifted;
    }

    /** Every feature's PSI, in the baseline's order. */
    public Map<String, Double> psi() {
        Map<String, Double> psi = new LinkedHashMap<>();
        features.forEach(s -> psi.put(s.feature(), s.psi()));
        return psi;
    }

    /** Every feature's corrected p-value, in the baseline's order. */
    public Map<String, Double> adjustedPValues() {
        Map<String, Double> p = new LinkedHashMap<>();
        features.forEach(s -> p.put(s.feature(), s.adjustedPValue()));
        return p;
    }

    /** The largest PSI of a feature. */
    public double maxPsi() {
        return features.stream().mapToDouble(FeatureShift::psi).max().orElse(0);
    }

    /** {chi-square, degrees of freedom, p-value, smoothed PSI} of one feature. */
    private static double[] test(double[] expected, double[] counts, double n, long rows) {
        int categories = expected.length;
        double[] smoothed = new double[categories];
        for (int c = 0; c < categories; c++) {
            smoothed[c] = (counts[c] + categories * expected[c]) / (n + categories);
        }
        double psi = PopulationStabilityIndex.between(expected, smoothed);
        // Adjacent categories merged until each expects MIN_EXPECTED households; what is left joins the last cell.
        List<double[]> cells = new ArrayList<>();
        double share = 0;
        double count = 0;
        for (int c = 0; c < categories; c++) {
            share += expected[c];
            count += counts[c];
            if (share * n >= MIN_EXPECTED) {
                cells.add(new double[] {share, count});
                share = 0;
                count = 0;
            }
        }
        if (cells.isEmpty()) {
            return new double[] {0, 0, 1, psi};
        }
        cells.get(cells.size() - 1)[0] += share;
        cells.get(cells.size() - 1)[1] += count;
        int degrees = cells.size() - 1;
        if (degrees == 0) {
            return new double[] {0, 0, 1, psi};
        }
        // Homogeneity of two samples, tonight's n households and the baseline's rows, by their pooled shares.
        double chiSquare = 0;
        for (double[] cell : cells) {
            double tonight = cell[1] / n;
            double pooled = (cell[1] + rows * cell[0]) / (n + rows);
            chiSquare += (tonight - cell[0]) * (tonight - cell[0]) / pooled;
        }
        chiSquare *= n * rows / (n + rows);
        double p = RegularizedGamma.Q.value(degrees / 2.0, chiSquare / 2);
        return new double[] {chiSquare, degrees, p, psi};
    }

    /** Holm's step-down correction of the p-values of the features that could be tested. */
    private static double[] holm(double[] pValues, double[][] tests) {
        double[] adjusted = new double[pValues.length];
        Arrays.fill(adjusted, 1);
        Integer[] tested = IntStream.range(0, pValues.length)
                .filter(f -> tests[f][1] > 0)
                .boxed()
                .sorted(Comparator.comparingDouble(f -> pValues[f]))
                .toArray(Integer[]::new);
        double running = 0;
        for (int rank = 0; rank < tested.length; rank++) {
            int f = tested[rank];
            running = Math.max(running, Math.min(1, (tested.length - rank) * pValues[f]));
            adjusted[f] = running;
        }
        return adjusted;
    }
}
