package org.hmis.predictions.common.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureListDifferenceTest {

    private static final List<String> EXPECTED = List.of("a", "b", "c", "d", "e");

    @Test
    void equalListsHaveNoDifference() {
        FeatureListDifference difference = FeatureListDifference.between(EXPECTED, List.copyOf(EXPECTED));
        assertTrue(difference.isEmpty());
        assertEquals("", difference.describe());
    }

    @Test
    void namesMissingAndUnexpected() {
        FeatureListDifference difference =
                FeatureListDifference.between(EXPECTED, List.of("a", "b", "x", "d", "e", "y"));
        assertEquals(List.of("c"), difference.missing());
        assertEquals(List.of("x", "y"), difference.unexpected());
        assertEquals(List.of(), difference.misplaced());
        assertEquals("missing: c; unexpected: x, y", difference.describe());
    }

    @Test
    void aMovedNameIsTheOnlyOneMisplaced() {
        FeatureListDifference difference = FeatureListDifference.between(EXPECTED, List.of("b", "c", "d", "e", "a"));
        assertEquals(List.of("a"), difference.misplaced());
        assertEquals("misplaced: 'a' at position 5, expected at 1", difference.describe());
    }

    @Test
    void aSwapIsFoundAmongOtherDifferences() {
        FeatureListDifference difference = FeatureListDifference.between(EXPECTED, List.of("a", "d", "c", "x", "e"));
        assertFalse(difference.isEmpty());
        assertEquals(List.of("b"), difference.missing());
        assertEquals(List.of("x"), difference.unexpected());
        assertEquals(1, difference.misplaced().size());
        assertTrue(
                List.of("c", "d").contains(difference.misplaced().get(0)),
                difference.misplaced().toString());
    }

    @Test
    void duplicatesAreNamed() {
        FeatureListDifference difference =
                FeatureListDifference.between(EXPECTED, List.of("a", "b", "c", "c", "d", "e"));
        assertEquals(List.of("c"), difference.duplicated());
        assertEquals("duplicated: c", difference.describe());
    }

    @Test
    void longListsAreCutShort() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            expected.add("f" + i);
        }
        FeatureListDifference difference = FeatureListDifference.between(expected, List.of());
        assertEquals("missing: f0, f1, f2, f3, f4, f5, f6, f7, f8, f9 and 5 more", difference.describe());
    }
}
