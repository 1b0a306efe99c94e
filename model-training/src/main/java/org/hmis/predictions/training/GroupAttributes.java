package org.hmis.predictions.training;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who each training row is, by the attributes the model is measured across: per attribute, one group label per row.
 * They are read beside the features, not as features: a model of feature specification v2 never sees race,
 * ethnicity or gender, yet its figures are still reported for each of their groups.
 */
public final class GroupAttributes {
    /** The source columns read as attributes as they are; age is read as {@link #AGE_BAND_AT_ENTRY}. */
    public static final List<String> SOURCE_COLUMNS = List.of("race", "ethnicity", "gender", "household_type");

    /** The guests column the age band is computed from. */
    public static final String AGE_AT_ENROLLMENT = "age_at_enrollment";

    /** The age band at entry, from {@link #AGE_AT_ENROLLMENT}. */
    public static final String AGE_BAND_AT_ENTRY = "age_band_at_entry";

    /** The group of rows whose attribute is NULL, empty or, for age, not a number. */
    public static final String MISSING = "(missing)";

    private static final int[] AGE_BAND_STARTS = {0, 18, 25, 35, 45, 55, 65};
    private static final String[] AGE_BANDS = {"0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"};

    private final Map<String, String[]> values;
    private final int rows;

    /**
     * @param values per attribute, in report order, the group of each row; every array as long as the others. Used as
     *     given, not copied.
     */
    public GroupAttributes(Map<String, String[]> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no attribute to measure the model across");
        }
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.rows = values.values().iterator().next().length;
        this.values.forEach((attribute, groups) -> {
            if (groups.length != rows) {
                throw new IllegalArgumentException(
                        "attribute " + attribute + " has " + groups.length + " rows, another " + rows);
            }
        });
    }

    /** The age band a value of {@code age_at_enrollment} falls in: 0-17, 18-24, 25-34 ... 55-64, 65+, or missing. */
    public static String ageBand(String ageAtEnrollment) {
        if (ageAtEnrollment == null || ageAtEnrollment.isBlank()) {
            return MISSING;
        }
        double age;
        try {
            age = Double.parseDouble(ageAtEnrollment.trim());
        } catch (NumberFormatException e) {
            return MISSING;
        }
        if (!(age >= 0) || Double.isInfinite(age)) {
            return MISSING;
        }
        int band = 0;
        while (band + 1 < AGE_BAND_STARTS.length && age >= AGE_BAND_STARTS[band + 1]) {
            band++;
        }
        return AGE_BANDS[band];
    }

    /** The group of a column value: the value itself, or {@link #MISSING} for NULL or empty. */
    public static String group(String value) {
        return value == null || value.isBlank() ? MISSING : value;
    }

    /** The attributes, in report order. */
    public List<String> names() {
        return List.copyOf(values.keySet());
    }

    /** The group of every row for {@code attribute}; not a copy. */
    String[] groups(String attribute) {
        String[] groups = values.get(attribute);
        if (groups == null) {
            throw new IllegalArgumentException("no attribute " + attribute + "; there are " + values.keySet());
        }
        return groups;
    }

    public int rows() {
        return rows;
    }

    /** The attributes of the given rows. */
    GroupAttributes rows(int[] selected) {
        Map<String, String[]> subset = new LinkedHashMap<>();
        values.forEach((attribute, groups) -> {
            String[] kept = new String[selected.length];
            for (int i = 0; i < selected.length; i++) {
                kept[i] = groups[selected[i]];
            }
            subset.put(attribute, kept);
        });
        return new GroupAttributes(subset);
    }
}
