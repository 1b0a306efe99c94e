package org.hmis.predictions.common.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DriftAssessmentTest {
    /** Deciles of a number, a rare flag, a common flag and a skewed count with an empty top bin. */
    private static final DriftBaseline BASELINE = new DriftBaseline(
            20_000,
            List.of(
                    new FeatureDistribution(
                            "income",
                            FeatureDistribution.Kind.NUMBER,
                            List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0),
                            List.of(0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1),
                            0.0),
                    new FeatureDistribution(
                            "rare", FeatureDistribution.Kind.FLAG, List.of(0.0), List.of(0.97, 0.03), 0.0),
                    new FeatureDistribution(
                            "common", FeatureDistribution.Kind.FLAG, List.of(0.0), List.of(0.6, 0.4), 0.0),
                    new FeatureDistribution(
                            "members",
                            FeatureDistribution.Kind.NUMBER,
                            List.of(1.0, 2.0, 3.0, 4.0, 5.0),
                            List.of(0.15, 0.26, 0.25, 0.16, 0.09, 0.09),
                            0.0)));

    @Test
    void nightsDrawnLikeTheTrainingRowsRarelyAlarmAtAnySize() {
        SplittableRandom random = new SplittableRandom(7);
        for (int households : new int[] {10, 25, 50, 200, 2000}) {
            int alarms = 0;
            int nights = 400;
            for (int night = 0; night < nights; night++) {
                if (!DriftAssessment.of(BASELINE, draw(random, households, 1.0))
                        .shifted()
                        .isEmpty()) {
                    alarms++;
                }
            }
            assertTrue(alarms <= nights * 0.05, households + " households: " + alarms + " false alarms");
        }
    }

    @Test
    void aShiftOfIncomesIsFoundAtTwoHundredHouseholds() {
        SplittableRandom random = new SplittableRandom(11);
        int found = 0;
        for (int night = 0; night < 100; night++) {
            Map<String, Double> shifted =
                    DriftAssessment.of(BASELINE, draw(random, 200, 0.5)).shifted();
            if (shifted.containsKey("income")) {
                found++;
            }
            assertFalse(shifted.containsKey("common"), "an unshifted feature stays quiet");
        }
        assertTrue(found >= 90, found + " of 100");
    }

    @Test
    void aTrivialShiftAmongManyHouseholdsIsSignificantButTooSmallToAlarm() {
        // 45% of 40,000 households in the common flag's 1 against 40%: chance does not explain it, but it is small.
        double[] common = {22_000, 18_000, 0};
        DriftSample sample = sample(40_000, common);
        FeatureShift shift = DriftAssessment.of(BASELINE, sample).features().get(2);

        assertTrue(shift.adjustedPValue() < 1e-6, "p " + shift.adjustedPValue());
        assertTrue(shift.psi() < DriftAssessment.EFFECT_FLOOR, "PSI " + shift.psi());
        assertFalse(shift.shifted());
    }

    @Test
    void tooFewHouseholdsToTestAreNotTested() {
        FeatureShift shift = DriftAssessment.of(BASELINE, draw(new SplittableRandom(3), 4, 1.0))
                .features()
                .get(1);
        assertEquals(0, shift.degreesOfFreedom());
        assertEquals(1.0, shift.adjustedPValue());
    }

    @Test
    void pooledNightsKeepTheLargestNightsHouseholds() {
        DriftSample one = new DriftSample(10, Map.of("x", List.of(10.0, 0.0)));
        DriftSample two = new DriftSample(30, Map.of("x", List.of(0.0, 30.0)));

        DriftSample pooled = DriftSample.pooled(List.of(one, two));

        assertEquals(30, pooled.households());
        assertArrayEquals(new double[] {7.5, 22.5}, pooled.counts("x"), 1e-12);
    }

    /**
     * One night of {@code households} drawn from the baseline's shares, with incomes multiplied by {@code incomes}.
     */
    private static DriftSample draw(SplittableRandom random, int households, double incomes) {
        DriftCounts counts = new DriftCounts(BASELINE);
        for (int h = 0; h < households; h++) {
            double income = random.nextDouble(0, 10) * incomes;
            counts.add(new double[] {
                income,
                random.nextDouble() < 0.03 ? 1 : 0,
                random.nextDouble() < 0.4 ? 1 : 0,
                draw(random, BASELINE.features().get(3))
            });
        }
        return counts.sample(households);
    }

    /** A value in a bin drawn by the feature's shares: the bin's upper edge, or above the last. */
    private static double draw(SplittableRandom random, FeatureDistribution feature) {
        double u = random.nextDouble();
        List<Double> shares = feature.shares();
        for (int bin = 0; bin < shares.size() - 1; bin++) {
            u -= shares.get(bin);
            if (u < 0) {
                return feature.edges().get(bin);
            }
        }
        return feature.edges().get(feature.edges().size() - 1) + 1;
    }

    /** Every feature as in training but {@code counts} for the one that has as many categories. */
    private static DriftSample sample(double households, double[] counts) {
        Map<String, List<Double>> all = new java.util.LinkedHashMap<>();
        for (FeatureDistribution feature : BASELINE.features()) {
            List<Double> categories = new ArrayList<>();
            boolean given = counts.length == feature.categories();
            double[] shares = feature.categoryShares();
            for (int c = 0; c < shares.length; c++) {
                categories.add(given ? counts[c] : shares[c] * households);
            }
            all.put(feature.feature(), categories);
        }
        return new DriftSample(households, all);
    }
}
