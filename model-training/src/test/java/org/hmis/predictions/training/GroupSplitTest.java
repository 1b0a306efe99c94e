package org.hmis.predictions.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GroupSplitTest {

    /** 1,000 households of 1 to 6 rows, rows of one household scattered over the array. */
    private static long[] scatteredHouseholds(long seed) {
        Random random = new Random(seed);
        long[] groups = IntStream.range(0, 1_000)
                .boxed()
                .flatMapToLong(h -> IntStream.range(0, 1 + random.nextInt(6)).mapToLong(m -> 5_000L + h * 7L))
                .toArray();
        for (int i = groups.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long swap = groups[i];
            groups[i] = groups[j];
            groups[j] = swap;
        }
        return groups;
    }

    @Test
    void noHouseholdLandsOnBothSidesAndEveryRowOnExactlyOne() {
        long[] groups = scatteredHouseholds(1);
        GroupSplit split = GroupSplit.byGroup(groups, 0.2, 42);

        Set<Long> trainGroups = groupsOf(groups, split.trainRows());
        Set<Long> testGroups = groupsOf(groups, split.testRows());
        Set<Long> overlap = new HashSet<>(trainGroups);
        overlap.retainAll(testGroups);
        assertTrue(overlap.isEmpty(), "households on both sides: " + overlap);
        assertEquals(200, testGroups.size());
        assertEquals(800, trainGroups.size());

        int[] all = IntStream.concat(Arrays.stream(split.trainRows()), Arrays.stream(split.testRows()))
                .sorted()
                .toArray();
        assertArrayEquals(IntStream.range(0, groups.length).toArray(), all);
    }

    @Test
    void sameSeedSameSplitWhateverTheRowOrder() {
        long[] groups = scatteredHouseholds(2);
        long[] reordered = groups.clone();
        Arrays.sort(reordered);
        Set<Long> test = groupsOf(groups, GroupSplit.byGroup(groups, 0.2, 42).testRows());
        assertEquals(test, groupsOf(groups, GroupSplit.byGroup(groups, 0.2, 42).testRows()));
        assertEquals(
                test, groupsOf(reordered, GroupSplit.byGroup(reordered, 0.2, 42).testRows()));
        assertFalse(
                test.equals(groupsOf(groups, GroupSplit.byGroup(groups, 0.2, 43).testRows())));
    }

    @Test
    void holdsOutAtLeastOneGroupAndNeverAll() {
        long[] two = {9, 9, 4};
        GroupSplit tiny = GroupSplit.byGroup(two, 0.01, 1);
        assertEquals(1, groupsOf(two, tiny.testRows()).size());
        assertEquals(1, groupsOf(two, tiny.trainRows()).size());
        GroupSplit huge = GroupSplit.byGroup(two, 0.99, 1);
        assertEquals(1, groupsOf(two, huge.testRows()).size());
        assertEquals(1, groupsOf(two, huge.trainRows()).size());
    }

    @Test
    void refusesASingleGroup() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> GroupSplit.byGroup(new long[] {3, 3, 3}, 0.2, 1));
        assertEquals("a split needs at least 2 groups (households), found 1", e.getMessage());
    }

    private static Set<Long> groupsOf(long[] groups, int[] rows) {
        Set<Long> set = new HashSet<>();
        for (int row : rows) {
            set.add(groups[row]);
        }
        return set;
    }
}
