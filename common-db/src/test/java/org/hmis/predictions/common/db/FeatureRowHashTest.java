package org.hmis.predictions.common.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** The hash the wrangle and the update compute of one row agrees, and tells rows apart. */
class FeatureRowHashTest {
    @Test
    void equalRowsHashAlikeWhateverZeroOrNaNTheyHold() {
        FeatureRowHash hash = new FeatureRowHash();
        assertEquals(
                hash.of(new double[] {1, 0.0, Double.NaN}),
                new FeatureRowHash().of(new double[] {1, -0.0, Double.longBitsToDouble(0x7ff8_0000_0000_0001L)}));
    }

    @Test
    void aChangedValueOrAnotherOrderIsAnotherHash() {
        FeatureRowHash hash = new FeatureRowHash();
        long row = hash.of(new double[] {2, 1500, 0});
        assertNotEquals(row, hash.of(new double[] {2, 1500.01, 0}));
        assertNotEquals(row, hash.of(new double[] {1500, 2, 0}));
        assertNotEquals(row, hash.of(new double[] {2, Double.NaN, 0}));
        assertNotEquals(hash.of(new double[] {0, 0}), hash.of(new double[] {0, 0, 0}));
        assertEquals(row, hash.of(new double[] {2, 1500, 0}));
    }
}
