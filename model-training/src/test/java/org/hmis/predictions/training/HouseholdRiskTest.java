package org.hmis.predictions.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HouseholdRiskTest {

    @Test
    void aucCountsTheOrderedPairsAndTiesHalf() {
        // Positives 0.9, 0.5, 0.4 against negatives 0.5, 0.1: 0.9 wins both, 0.5 ties one (half) and wins one, 0.4
        // loses one and wins one: 4.5 of 6 pairs.
        HouseholdRisk risk = HouseholdRisk.measure(
                new double[] {0.9, 0.5, 0.5, 0.4, 0.1}, new boolean[] {true, true, false, true, false}, null);
        assertEquals(4.5 / 6, risk.auc(), 1e-12);
        assertEquals(5, risk.households());
        // The tenth of 5 rounds to none: at least one household, the one most at risk.
        assertEquals(1.0, risk.precisionTop10pct(), 1e-12);
    }

    @Test
    void precisionAmongTheTenthMostAtRisk() {
        double[] risks = new double[20];
        boolean[] notPermanent = new boolean[20];
        for (int i = 0; i < risks.length; i++) {
            risks[i] = i / 20.0;
            notPermanent[i] = i % 2 == 0;
        }
        // The two most at risk are 0.95 (reached perm) and 0.90 (did not).
        HouseholdRisk risk = HouseholdRisk.measure(risks, notPermanent, null);
        assertEquals(0.5, risk.precisionTop10pct(), 1e-12);
        assertEquals(2, Math.round(risk.households() * 0.1));
    }

    @Test
    void aGuestSpecificationsHouseholdIsTheMeanOfItsMembers() {
        // Household 7: risks 0.2 and 0.8 (mean 0.5), did not reach perm; household 3: 0.6, reached perm; household
        // 9: 0.1, 0.1 and 0.95 (mean 0.383), two of three reached perm.
        HouseholdRisk risk = HouseholdRisk.measure(
                new double[] {0.2, 0.6, 0.8, 0.1, 0.1, 0.95},
                new boolean[] {true, false, true, false, false, true},
                new long[] {7, 3, 7, 9, 9, 9});
        assertEquals(3, risk.households());
        // Positive 7 (0.5) against negatives 3 (0.6) and 9 (0.383): one pair of two won.
        assertEquals(0.5, risk.auc(), 1e-12);
        assertEquals(0.0, risk.precisionTop10pct(), 1e-12, "household 3 is the most at risk, and reached perm");
    }

    @Test
    void oneOutcomeOnlyHasNoAuc() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> HouseholdRisk.measure(new double[] {0.2, 0.4}, new boolean[] {true, true}, null));
        assertTrue(e.getMessage().contains("found 2 and 0"), e.getMessage());
    }
}
