package org.hmis.predictions.common.drift;

/**
 * One feature's drift test ({@link DriftAssessment}).
 *
 * @param feature the feature's name
 * @param psi the population stability index of tonight's smoothed shares against the baseline's: the size of the
 *     shift, reported whatever the test says
 * @param chiSquare the homogeneity chi-square of tonight's households against the baseline's rows, over the
 *     categories merged until each expects enough households to test
 * @param degreesOfFreedom the merged categories less one; 0 when too few households were measured to test at all
 * @param pValue the chance of a chi-square this large were tonight's households drawn like the training rows
 * @param adjustedPValue {@code pValue} corrected for testing every feature (Holm)
 * @param shifted {@code adjustedPValue} below {@link DriftAssessment#ALPHA} and {@code psi} at least
 *     {@link DriftAssessment#EFFECT_FLOOR}: a shift chance does not explain, and large enough to matter
 */
public record FeatureShift(
        String feature,
        double psi,
        double chiSquare,
        int degreesOfFreedom,
        double pValue,
        double adjustedPValue,
        boolean shifted) {}
