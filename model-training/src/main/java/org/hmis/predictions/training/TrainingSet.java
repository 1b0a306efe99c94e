package org.hmis.predictions.training;

import java.util.Map;

/**
 * Labelled rows read for training, with what was left out and why, so a training report can say it.
 *
 * @param data the rows kept: features, class index, household
 * @param rowsRead exited guests read from the table
 * @param unmappedDestinations exit destinations the class mapping does not know, with how many rows had each; those
 *     rows are left out
 * @param rejectedRows rows left out because their key ({@code personal_id}, {@code enroll_date}) is missing or
 *     malformed
 * @param unknownValues per source column, values the feature specification does not know (encoded as missing or
 *     zero flags, not left out)
 * @param classCounts rows kept per class index
 */
@SuppressWarnings("ArrayRecordComponent") // counts copied in and out, never compared
public record TrainingSet(
        TrainingData data,
        long rowsRead,
        Map<String, Long> unmappedDestinations,
        long rejectedRows,
        Map<String, Long> unknownValues,
        long[] classCounts) {

    public TrainingSet {
        unmappedDestinations = Map.copyOf(unmappedDestinations);
        unknownValues = Map.copyOf(unknownValues);
        classCounts = classCounts.clone();
    }

    /** Rows left out because their destination has no class. */
    public long unmappedRows() {
        return unmappedDestinations.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public long[] classCounts() {
        return classCounts.clone();
    }
}
