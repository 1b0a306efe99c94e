package org.hmis.predictions.common.db;

/**
 * How the guests table tells a household and the member who stands for it, the rule feature specification v3 computes
 * features by (FeatureQuery): the current members of one {@code case_id}, a guest without one a household alone; its
 * head ({@code relationship_to_hoh = 'Self'}) first, then the smallest key. Under a household model every member
 * carries the same prediction; under a guest model (v1, v2) the head's row is the household's risk, class and reasons.
 */
final class Households {
    private Households() {}

    /** The window partition of guest row {@code guest}'s household. */
    static String partition(String guest) {
        return "PARTITION BY " + guest + ".case_id, CASE WHEN " + guest + ".case_id IS NULL THEN " + guest
                + ".personal_id END";
    }

    /** The members' order within a household, head first; {@code prediction} is the prediction row's alias. */
    static String headFirst(String guest, String prediction) {
        return "ORDER BY (" + guest + ".relationship_to_hoh = 'Self') IS TRUE DESC, " + prediction + ".personal_id, "
                + prediction + ".enroll_date";
    }
}
