package org.hmis.predictions.common.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A versioned feature specification: which columns of the guests table feed the model, how each one is
 * encoded and in which order the features stand. Training and prediction both use it, and a model's
 * manifest records its version, so a model is always given the features it was trained on.
 *
 * <p>Version 1 is defined in {@code docs/guests-data.md} ("Feature specification, version 1"). Version 2 is
 * version 1 without the protected attributes: the flags of {@link #PROTECTED_ATTRIBUTES} (race, ethnicity, gender)
 * are removed, everything else stands in the same order. A model that decides which families a case worker sees
 * first should not rank them by race, ethnicity or gender, and version 2 lets a shelter check (by the metrics per
 * group in the manifest) that leaving them out costs nothing before it ships such a model.
 * {@link GuestFeatures} turns rows of the source columns into feature values.
 */
public final class FeatureSpec {

    /** How a source column becomes feature values. */
    public enum Encoding {
        /** INTEGER or NUMERIC passed through as a number; NULL is missing. */
        NUMBER,
        /** BOOLEAN: true is 1, false is 0; NULL is missing. */
        TRUE_FALSE,
        /** Yes/No text: Yes is 1, No is 0; NULL is missing. */
        YES_NO,
        /** A flag: 1 when the column holds one of the feature's values, else 0; NULL gives 0 to the column's flags. */
        ONE_HOT
    }

    /**
     * One feature.
     *
     * @param name         the feature's name, as in the wrangled CSV header and the model
     * @param sourceColumn the guests column it is computed from
     * @param encoding     how it is computed
     * @param values       for {@link Encoding#ONE_HOT}, the source values that set the flag; otherwise empty
     */
    public record Feature(String name, String sourceColumn, Encoding encoding, List<String> values) {
        public Feature {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(sourceColumn, "sourceColumn");
            Objects.requireNonNull(encoding, "encoding");
            values = List.copyOf(values);
            if ((encoding == Encoding.ONE_HOT) == values.isEmpty()) {
                throw new IllegalArgumentException(
                        "feature " + name + ": a one-hot feature needs values, any other encoding none");
            }
        }
    }

    // Column names end up in SQL (quoted) and CSV headers (unquoted): keep them to characters safe in both.
    // Declared before V1, whose construction uses it.
    private static final Pattern COLUMN_NAME = Pattern.compile("[a-z][a-z0-9_-]*");

    /** Version 1: 21 numeric features, then 28 one-hot flags over 9 categorical columns. */
    public static final FeatureSpec V1 = new Builder("v1")
            .number("case_members", "age_at_enrollment", "current_age")
            .trueFalse("client_record_restricted")
            .number("inforeleaseno", "non-cash_benefit_count", "barrier_count_at_entry", "chronic_homeless_status")
            .yesNo("under_25")
            .number(
                    "case_children",
                    "case_adults",
                    "earned_income",
                    "supplemental_security_income",
                    "social_security_disability_income",
                    "va_disability_compensation",
                    "private_disability_income",
                    "tanf",
                    "general_assistance",
                    "child_support",
                    "other_income",
                    "chronic_homeless_status_evaluation")
            // The values "without flag" are the other values guests_columns.sql lists for each column: they encode
            // as all zeros like any unlisted value, but are expected, so they are not counted as unknown.
            .oneHot(
                    "relationship_to_hoh",
                    List.of(),
                    flag("is_hoh", "Self"),
                    flag("is_son", "Son"),
                    flag("is_daughter", "Daughter"),
                    flag("is_significant_other", "Significant Other (Non-Married)"),
                    flag("is_spouse", "Spouse"),
                    flag("is_grandchild", "Grandchild"),
                    flag("is_other_family", "Other Family Member"),
                    flag("is_other_non_family", "Dependent Child", "Step Child", "Other Non-Family"))
            .oneHot(
                    "ssn_quality",
                    List.of(
                            "Client Refused",
                            "Data not collected",
                            "Client doesn't know",
                            "Approximate or partial SSN reported"),
                    flag("ssn_available", "Full SSN"))
            .oneHot(
                    "dob_quality",
                    List.of("Approximate or Partial DOB Reported"),
                    flag("dob_available", "Full DOB Reported"))
            .oneHot(
                    "race",
                    List.of("Client doesn't know", "Data not collected"),
                    flag("race_refused", "Client refused"),
                    flag("is_white", "White"),
                    flag("is_am_or_ak_native", "American Indian or Alaska Native"),
                    flag("is_black", "Black or African American"),
                    flag("is_multi_racial", "Multi-Racial"),
                    flag("is_pacific_islander", "Native Hawaiian or Other Pacific Islander"),
                    flag("is_asian", "Asian"))
            .oneHot(
                    "ethnicity",
                    List.of("Non-Hispanic/Latino", "Client doesn't know", "Data not collected"),
                    flag("ethnicity_refused", "Client refused"),
                    flag("is_latino", "Hispanic/Latino"))
            .oneHot(
                    "gender",
                    List.of("Gender Non-Conforming (i.e. not exclusively male or female)"),
                    flag("is_female", "Female"),
                    flag("is_male", "Male"),
                    flag("is_trans", "Trans Male (FTM or Female to Male)"))
            .oneHot(
                    "disabling_cond_at_entry",
                    List.of("No", "Missing", "Data not collected", "Client doesnt know"),
                    flag("disabling_cond_at_entry_refused", "Client refused"),
                    flag("is_disabled_at_entry", "Yes"))
            .oneHot(
                    "covered_by_health_insurance",
                    List.of("No", "Data Not Collected", "Client doesn't know"),
                    flag("covered_by_health_insurance_refused", "Client refused"),
                    flag("is_covered_by_health_insurance", "Yes"))
            .oneHot(
                    "household_type",
                    List.of("Household with Only Children"),
                    flag("household_has_adults_children", "Household with Adults and Children"),
                    flag("household_has_adults_only", "Household without Children"))
            .build();

    /**
     * The source columns that hold protected attributes: version 2 leaves out every feature computed from them. They
     * are still read for training, beside the features, to measure the model per group.
     */
    public static final List<String> PROTECTED_ATTRIBUTES = List.of("race", "ethnicity", "gender");

    /**
     * Version 2: version 1 without the 12 flags of race, ethnicity and gender ({@link #PROTECTED_ATTRIBUTES}); 21
     * numeric features, then 16 one-hot flags over 6 categorical columns, in version 1's order.
     */
    public static final FeatureSpec V2 = V1.without("v2", PROTECTED_ATTRIBUTES);

    private static final List<FeatureSpec> VERSIONS = List.of(V1, V2);

    private final String version;
    private final List<Feature> features;
    private final List<String> featureNames;
    private final List<String> sourceColumns;
    private final Map<String, List<String>> valuesWithoutFlag;

    private FeatureSpec(String version, List<Feature> features, Map<String, List<String>> valuesWithoutFlag) {
        this.version = version;
        this.features = List.copyOf(features);
        this.featureNames = features.stream().map(Feature::name).toList();
        this.sourceColumns = List.copyOf(
                new LinkedHashSet<>(features.stream().map(Feature::sourceColumn).toList()));
        this.valuesWithoutFlag = Map.copyOf(valuesWithoutFlag);
        validate();
    }

    /**
     * The specification of the given version, as a model manifest records it.
     *
     * @throws IllegalArgumentException naming the known versions when there is no such version
     */
    public static FeatureSpec forVersion(String version) {
        for (FeatureSpec spec : VERSIONS) {
            if (spec.version.equals(version)) {
                return spec;
            }
        }
        throw new IllegalArgumentException("unknown feature specification version '" + version + "'; known versions: "
                + String.join(", ", versions()));
    }

    public String version() {
        return version;
    }

    /** The versions there are, oldest first. */
    public static List<String> versions() {
        return VERSIONS.stream().map(FeatureSpec::version).toList();
    }

    /** The features in model order. */
    public List<Feature> features() {
        return features;
    }

    /** The feature names in model order. */
    public List<String> featureNames() {
        return featureNames;
    }

    public int size() {
        return features.size();
    }

    /** The distinct guests columns the features are computed from, in order of their first feature. */
    public List<String> sourceColumns() {
        return sourceColumns;
    }

    /** How the given source column is encoded. */
    public Encoding encodingOf(String sourceColumn) {
        for (Feature feature : features) {
            if (feature.sourceColumn().equals(sourceColumn)) {
                return feature.encoding();
            }
        }
        throw new IllegalArgumentException(
                "'" + sourceColumn + "' is not a source column of feature specification " + version);
    }

    /**
     * For a one-hot source column, the values it is known to hold that set none of its flags
     * (such as "Client doesn't know" for race); empty for other columns.
     * These are not counted as unknown values.
     */
    public List<String> valuesWithoutFlag(String sourceColumn) {
        return valuesWithoutFlag.getOrDefault(sourceColumn, List.of());
    }

    @Override
    public String toString() {
        return "FeatureSpec " + version + " (" + features.size() + " features from " + sourceColumns.size()
                + " columns)";
    }

    /** This specification under a new version, without every feature computed from {@code sourceColumns}. */
    private FeatureSpec without(String newVersion, List<String> sourceColumns) {
        for (String column : sourceColumns) {
            encodingOf(column);
        }
        Map<String, List<String>> kept = new LinkedHashMap<>(valuesWithoutFlag);
        sourceColumns.forEach(kept::remove);
        return new FeatureSpec(
                newVersion,
                features.stream()
                        .filter(f -> !sourceColumns.contains(f.sourceColumn()))
                        .toList(),
                kept);
    }

    private void validate() {
        Set<String> names = new HashSet<>();
        Map<String, List<Feature>> byColumn = new LinkedHashMap<>();
        for (Feature feature : features) {
            if (!names.add(feature.name())) {
                throw new IllegalArgumentException("feature " + feature.name() + " is defined twice");
            }
            requireColumnName(feature.name());
            requireColumnName(feature.sourceColumn());
            byColumn.computeIfAbsent(feature.sourceColumn(), c -> new ArrayList<>())
                    .add(feature);
        }
        byColumn.forEach((column, group) -> {
            boolean oneHot = group.get(0).encoding() == Encoding.ONE_HOT;
            if (group.stream().anyMatch(f -> (f.encoding() == Encoding.ONE_HOT) != oneHot)
                    || (!oneHot && group.size() != 1)) {
                throw new IllegalArgumentException(
                        "column " + column + " must feed either one numeric feature or one-hot flags only");
            }
            List<String> values = new ArrayList<>(valuesWithoutFlag(column));
            group.forEach(f -> values.addAll(f.values()));
            if (values.contains("") || new HashSet<>(values).size() != values.size()) {
                throw new IllegalArgumentException(
                        "column " + column + ": a value is empty or listed twice: " + values);
            }
        });
    }

    private static void requireColumnName(String name) {
        if (!COLUMN_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "'" + name + "' is not a valid column or feature name (" + COLUMN_NAME + ")");
        }
    }

    private record Flag(String name, List<String> values) {}

    private static Flag flag(String name, String... values) {
        return new Flag(name, Arrays.asList(values));
    }

    private static final class Builder {
        private final String version;
        private final List<Feature> features = new ArrayList<>();
        private final Map<String, List<String>> valuesWithoutFlag = new LinkedHashMap<>();

        Builder(String version) {
            this.version = version;
        }

        Builder number(String... columns) {
            for (String column : columns) {
                features.add(new Feature(column, column, Encoding.NUMBER, List.of()));
            }
            return this;
        }

        Builder trueFalse(String column) {
            features.add(new Feature(column, column, Encoding.TRUE_FALSE, List.of()));
            return this;
        }

        Builder yesNo(String column) {
            features.add(new Feature(column, column, Encoding.YES_NO, List.of()));
            return this;
        }

        Builder oneHot(String column, List<String> withoutFlag, Flag... flags) {
            for (Flag flag : flags) {
                features.add(new Feature(flag.name(), column, Encoding.ONE_HOT, flag.values()));
            }
            valuesWithoutFlag.put(column, List.copyOf(withoutFlag));
            return this;
        }

        FeatureSpec build() {
            return new FeatureSpec(version, features, valuesWithoutFlag);
        }
    }
}
