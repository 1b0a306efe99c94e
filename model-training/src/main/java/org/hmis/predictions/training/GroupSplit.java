package org.hmis.predictions.training;

import java.util.Arrays;
import java.util.Random;

/**
 * A train/test split by household: every row of a group lands on the same side, so the test rows measure how the
 * model does on households it has never seen. Deterministic for a given seed and set of group ids, whatever their
 * row order.
 */
final class GroupSplit {

    private final int[] trainRows;
    private final int[] testRows;

    private GroupSplit(int[] trainRows, int[] testRows) {
        this.trainRows = trainRows;
        this.testRows = testRows;
    }

    /**
     * Holds out {@code testShare} of the distinct groups (rounded, at least one, never all).
     *
     * @param groupIds group of each row
     */
    static GroupSplit byGroup(long[] groupIds, double testShare, long seed) {
        if (!(testShare > 0 && testShare < 1)) {
            throw new IllegalArgumentException("testShare should be between 0 and 1 exclusive, found " + testShare);
        }
        long[] groups = Arrays.stream(groupIds).distinct().sorted().toArray();
        if (groups.length < 2) {
            throw new IllegalArgumentException("a split needs at least 2 groups (households), found " + groups.length);
        }
        shuffle(groups, new Random(seed));
        int testGroupCount = (int) Math.max(1, Math.min(groups.length - 1, Math.round(groups.length * testShare)));
        long[] testGroups = Arrays.copyOf(groups, testGroupCount);
        Arrays.sort(testGroups);

        boolean[] inTest = new boolean[groupIds.length];
        int testCount = 0;
        for (int row = 0; row < groupIds.length; row++) {
            inTest[row] = Arrays.binarySearch(testGroups, groupIds[row]) >= 0;
            testCount += inTest[row] ? 1 : 0;
        }
        int[] train = new int[groupIds.length - testCount];
        int[] test = new int[testCount];
        int trainAt = 0;
        int testAt = 0;
        for (int row = 0; row < groupIds.length; row++) {
            if (inTest[row]) {
                test[testAt++] = row;
            } else {
                train[trainAt++] = row;
            }
        }
        return new GroupSplit(train, test);
    }

    /** Indexes of the training rows, ascending. */
    int[] trainRows() {
        return trainRows.clone();
    }

    /** Indexes of the held-out rows, ascending. */
    int[] testRows() {
        return testRows.clone();
    }

    private static void shuffle(long[] values, Random random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }
}
