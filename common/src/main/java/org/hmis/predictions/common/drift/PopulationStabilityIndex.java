package org.hmis.predictions.common.drift;

/**
 * The population stability index (PSI) of a distribution against a baseline over the same categories:
 * {@code sum((actual - expected) * ln(actual / expected))}. 0 when the two are the same; by the usual reading, below
 * {@link #WATCH} is stable, {@link #WATCH} to {@link #ALERT} a moderate shift, above {@link #ALERT} a shift large
 * enough that the model's figures no longer hold. That reading assumes many rows: at a shelter's size PSI is mostly
 * noise, so whether a feature has shifted is {@link DriftAssessment}'s to say, with PSI as the size of the shift.
 *
 * <p>A share of 0 on either side would make the logarithm infinite, so shares below {@link #FLOOR} count as
 * {@link #FLOOR}: a category that was empty in training and holds a few guests tonight gives a large but finite term.
 */
public final class PopulationStabilityIndex {
    /** Below this PSI the distribution is taken as unchanged. */
    public static final double WATCH = 0.1;
    /** Above this PSI the distribution has shifted: the model's held-out figures may no longer hold. */
    public static final double ALERT = 0.25;
    /** The smallest share a category counts with. */
    public static final double FLOOR = 1e-4;

    private PopulationStabilityIndex() {}

    /**
     * The PSI of {@code actual} against {@code expected}: shares of the same categories, each adding up to 1.
     *
     * @throws IllegalArgumentException when the two have different lengths or a share is negative or not a number
     */
    public static double between(double[] expected, double[] actual) {
        if (expected.length != actual.length) {
            throw new IllegalArgumentException(expected.length + " expected shares but " + actual.length
                    + " actual ones: not the same categories");
        }
        double psi = 0;
        for (int i = 0; i < expected.length; i++) {
            if (!(expected[i] >= 0) || !(actual[i] >= 0)) {
                throw new IllegalArgumentException(
                        "share " + i + " is not a share: expected " + expected[i] + ", actual " + actual[i]);
            }
            double e = Math.max(expected[i], FLOOR);
            double a = Math.max(actual[i], FLOOR);
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }
}
