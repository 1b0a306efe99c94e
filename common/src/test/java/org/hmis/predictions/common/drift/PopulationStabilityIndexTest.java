package org.hmis.predictions.common.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PopulationStabilityIndexTest {

    @Test
    void isTheHandComputedValueOnTwoKnownDistributions() {
        // (0.4 - 0.5) ln(0.4 / 0.5) + (0.4 - 0.3) ln(0.4 / 0.3) + (0.2 - 0.2) ln(1)
        //   = 0.1 * 0.2231436 + 0.1 * 0.2876821 = 0.0510826
        assertEquals(
                0.0510826,
                PopulationStabilityIndex.between(new double[] {0.5, 0.3, 0.2}, new double[] {0.4, 0.4, 0.2}),
                1e-7);
        // (0.1 - 0.25) ln(0.1 / 0.25) + (0.9 - 0.75) ln(0.9 / 0.75) = 0.15 * 0.9162907 + 0.15 * 0.1823216 = 0.1647918
        assertEquals(
                0.1647918, PopulationStabilityIndex.between(new double[] {0.25, 0.75}, new double[] {0.1, 0.9}), 1e-7);
    }

    @Test
    void isZeroOnIdenticalDistributions() {
        double[] shares = {0.1, 0.2, 0.3, 0.4, 0.0};
        assertEquals(0.0, PopulationStabilityIndex.between(shares, shares.clone()));
    }

    @Test
    void anEmptyCategoryCountsAsTheFloorSoTheIndexStaysFinite() {
        // Training had no missing values, tonight 1% are missing: (0.01 - 0.0001) ln(0.01 / 0.0001) + 0.99 ln 0.99 ...
        double psi = PopulationStabilityIndex.between(new double[] {1.0, 0.0}, new double[] {0.99, 0.01});
        double expected = (0.99 - 1.0) * Math.log(0.99) + (0.01 - 0.0001) * Math.log(0.01 / 0.0001);
        assertEquals(expected, psi, 1e-12);
        assertTrue(Double.isFinite(psi) && psi > 0.04);
    }

    @Test
    void distributionsOverOtherCategoriesAreRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> PopulationStabilityIndex.between(new double[] {0.5, 0.5}, new double[] {1.0}));
        assertThrows(
                IllegalArgumentException.class,
                () -> PopulationStabilityIndex.between(new double[] {0.5, 0.5}, new double[] {1.5, -0.5}));
    }

    @Test
    void countsRowsIntoTheBaselinesBinsAndComparesThem() {
        // Numbers in (-inf, 10], (10, 20], (20, inf) and missing; a flag as 0 / 1 / missing.
        FeatureDistribution income = new FeatureDistribution(
                "income", FeatureDistribution.Kind.NUMBER, List.of(10.0, 20.0), List.of(0.5, 0.3, 0.2), 0.0);
        FeatureDistribution flag =
                new FeatureDistribution("is_hoh", FeatureDistribution.Kind.FLAG, List.of(0.0), List.of(0.5, 0.5), 0.0);
        assertEquals(0, income.bin(-3));
        assertEquals(0, income.bin(10));
        assertEquals(1, income.bin(10.5));
        assertEquals(1, income.bin(20));
        assertEquals(2, income.bin(1e9));
        assertEquals(-1, income.bin(Double.NaN));

        DriftCounts counts = new DriftCounts(new DriftBaseline(100, List.of(income, flag)));
        // income: 4 rows <= 10, 4 in (10, 20], 2 above: shares 0.4 / 0.4 / 0.2; the flag exactly as in training.
        double[][] rows = {{1, 0}, {5, 1}, {10, 0}, {-2, 1}, {11, 0}, {15, 1}, {19, 0}, {20, 1}, {25, 0}, {400, 1}};
        for (double[] row : rows) {
            counts.add(row);
        }
        DriftSample sample = counts.sample(5);
        assertEquals(10, counts.rows());
        assertEquals(List.of("income", "is_hoh"), List.copyOf(sample.counts().keySet()));
        assertArrayEquals(new double[] {2, 2, 1, 0}, sample.counts("income"), 1e-12, "scaled to 5 households");
        assertArrayEquals(new double[] {2.5, 2.5, 0}, sample.counts("is_hoh"), 1e-12);
    }

    @Test
    void aHouseholdsMembersWeighingOneOverTheirNumberCountItOnce() {
        FeatureDistribution members = new FeatureDistribution(
                "household_members", FeatureDistribution.Kind.NUMBER, List.of(1.0), List.of(0.5, 0.5), 0.0);
        DriftCounts counts = new DriftCounts(new DriftBaseline(100, List.of(members)));
        counts.add(new double[] {1}, 1);
        for (int member = 0; member < 3; member++) {
            counts.add(new double[] {3}, 1.0 / 3);
        }

        assertEquals(4, counts.rows());
        assertEquals(2, counts.weight(), 1e-12);
        assertArrayEquals(new double[] {1, 1, 0}, counts.sample(counts.weight()).counts("household_members"), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> counts.add(new double[] {1}, 0));
    }

    @Test
    void aBaselineIsCheckedWhenRead() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new FeatureDistribution(
                        "x", FeatureDistribution.Kind.NUMBER, List.of(2.0, 1.0), List.of(0.2, 0.3, 0.5), 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new FeatureDistribution(
                        "x", FeatureDistribution.Kind.NUMBER, List.of(1.0), List.of(0.2, 0.3), 0.1));
        assertThrows(
                IllegalArgumentException.class,
                () -> new FeatureDistribution("x", FeatureDistribution.Kind.NUMBER, List.of(1.0), List.of(0.5), 0.5));
        assertThrows(
                IllegalStateException.class,
                () -> new DriftCounts(new DriftBaseline(
                                1,
                                List.of(new FeatureDistribution(
                                        "x", FeatureDistribution.Kind.FLAG, List.of(0.0), List.of(1.0, 0.0), 0))))
                        .sample(1));
    }
}
