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
 * group in the manifest) that leaving them out costs nothing before it ships such a model. Version 3 describes the
 * household instead of the guest ({@link Unit#HOUSEHOLD}) and holds nothing of who a guest is. Each feature is marked
 * by its {@link Kind}: one that says who a guest is is never a reason, in any version.
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
     * What a feature says about a guest. Only a {@link #CIRCUMSTANCE} can be a reason shown to a case worker: a risk
     * is never explained by who a guest is.
     */
    public enum Kind {
        /** The household's situation: income, disability, history, benefits, the records kept. */
        CIRCUMSTANCE,
        /**
         * Who the guest is: race, ethnicity, gender, age, relationship to the head of household, or anything that
         * equals one of them.
         */
        IDENTITY
    }

    /** What one row of the wrangled CSV stands for. */
    public enum Unit {
        /** Each guest's own columns: members of a household may differ. */
        GUEST,
        /**
         * The household's: every feature is computed over the members of one {@code case_id} ({@link
         * HouseholdAggregate}), so every member carries the same values, and so the same prediction.
         */
        HOUSEHOLD
    }

    /**
     * One feature.
     *
     * @param name         the feature's name, as in the wrangled CSV header and the model
     * @param sourceColumn the column it is read from: a guests column, or for a household feature the column the
     *                     query computes under the feature's own name
     * @param encoding     how it is computed
     * @param values       for {@link Encoding#ONE_HOT}, the source values that set the flag; otherwise empty
     * @param kind         whether it may be a reason
     * @param household    for a feature of a {@link Unit#HOUSEHOLD} specification, how it is computed over the
     *                     household's members; null otherwise
     */
    public record Feature(
            String name,
            String sourceColumn,
            Encoding encoding,
            List<String> values,
            Kind kind,
            HouseholdAggregate household) {
        public Feature {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(sourceColumn, "sourceColumn");
            Objects.requireNonNull(encoding, "encoding");
            Objects.requireNonNull(kind, "kind");
            values = List.copyOf(values);
            if ((encoding == Encoding.ONE_HOT) == values.isEmpty()) {
                throw new IllegalArgumentException(
                        "feature " + name + ": a one-hot feature needs values, any other encoding none");
            }
            if (household != null && (encoding != Encoding.NUMBER || !sourceColumn.equals(name))) {
                throw new IllegalArgumentException(
                        "feature " + name + ": a household feature is a number computed under its own name");
            }
        }

        /** A feature a case worker may be shown as a reason. */
        public boolean mayBeReason() {
            return kind == Kind.CIRCUMSTANCE;
        }
    }

    /**
     * How a household feature is computed over the members of one household (one {@code case_id}; a guest without
     * one is a household alone) among the rows read: the current guests for a prediction, the guests who left
     * together for training. Adults are members aged 18 or more at entry, children those under 18; the head is the
     * member whose relationship to the head of household is {@code Self}. Age and relationship only decide who is
     * counted: neither is a feature.
     *
     * @param function what is computed
     * @param columns  the guests columns read: none for the counts, one for the others but {@link
     *                 Function#SUM_ADULTS}, whose columns are added up
     * @param values   for {@link Function#ANY_ADULT}, {@link Function#ANY_MEMBER} and {@link Function#HEAD_IS}: the
     *                 column's values (as text) that count; otherwise empty
     */
    public record HouseholdAggregate(Function function, List<String> columns, List<String> values) {
        /** What a household feature computes. */
        public enum Function {
            /** How many members. */
            MEMBERS,
            /** How many adults. */
            ADULTS,
            /** How many children. */
            CHILDREN,
            /** The adults' columns added up (NULL counts as 0). */
            SUM_ADULTS,
            /** The largest value among the adults; missing when none has one. */
            MAX_ADULTS,
            /** The largest value among the members; missing when none has one. */
            MAX_MEMBERS,
            /** 1 when an adult's column holds one of the values, else 0. */
            ANY_ADULT,
            /** 1 when a member's column holds one of the values, else 0. */
            ANY_MEMBER,
            /** The head's value; missing without a head or a value. */
            HEAD,
            /** 1 when the head's column holds one of the values, 0 when it holds another; missing without a head. */
            HEAD_IS
        }

        public HouseholdAggregate {
            Objects.requireNonNull(function, "function");
            columns = List.copyOf(columns);
            values = List.copyOf(values);
            boolean counts =
                    function == Function.MEMBERS || function == Function.ADULTS || function == Function.CHILDREN;
            boolean matches =
                    function == Function.ANY_ADULT || function == Function.ANY_MEMBER || function == Function.HEAD_IS;
            if (counts != columns.isEmpty()
                    || (function != Function.SUM_ADULTS && columns.size() > 1)
                    || matches == values.isEmpty()) {
                throw new IllegalArgumentException(
                        "household " + function + " of " + columns + " " + values
                                + ": counts read no column, SUM_ADULTS one or more, the others one; only the matches take values");
            }
            columns.forEach(FeatureSpec::requireColumnName);
            for (String value : values) {
                if (!SAFE_VALUE.matcher(value).matches()) {
                    throw new IllegalArgumentException("household value '" + value + "' holds a character it may not");
                }
            }
        }
    }

    // Column names end up in SQL (quoted) and CSV headers (unquoted): keep them to characters safe in both.
    // Declared before V1, whose construction uses it.
    private static final Pattern COLUMN_NAME = Pattern.compile("[a-z][a-z0-9_-]*");
    // Values a household feature compares with end up in SQL as text literals: no quote or backslash can occur.
    private static final Pattern SAFE_VALUE = Pattern.compile("[A-Za-z0-9 ()/.,-]+");

    /**
     * The guests columns that say who a guest is ({@link Kind#IDENTITY}): every feature computed from one is never a
     * reason.
     */
    public static final List<String> IDENTITY_COLUMNS = List.of(
            "age_at_enrollment", "current_age", "under_25", "relationship_to_hoh", "race", "ethnicity", "gender");

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
            .identity(IDENTITY_COLUMNS)
            .build();

    /**
     * The source columns that hold protected attributes: version 2 leaves out every feature computed from them. They
     * are still read for training, beside the features, to measure the model per group.
     */
    public static final List<String> PROTECTED_ATTRIBUTES = List.of("race", "ethnicity", "gender");

    /**
     * Version 2: version 1 without the 12 flags of race, ethnicity and gender ({@link #PROTECTED_ATTRIBUTES}), and
     * with {@code is_son} and {@code is_daughter}, which together with age tell a child's gender, made one flag
     * {@code is_child_of_hoh} where {@code is_son} stood; 21 numeric features, then 15 one-hot flags over 6
     * categorical columns, in version 1's order.
     */
    public static final FeatureSpec V2 =
            V1.without("v2", PROTECTED_ATTRIBUTES).mergingFlags("is_child_of_hoh", "is_son", "is_daughter");

    /**
     * Version 3, the household's: every feature describes the household (the members of one {@code case_id} among
     * the rows read), so every member of a household carries the same features and so the same class, risk and
     * reasons. It holds no feature of who a guest is: age and relationship only decide who counts as an adult, a
     * child or the head. docs/guests-data.md ("Feature specification, version 3") lists what each computes.
     */
    public static final FeatureSpec V3 = new Builder("v3", Unit.HOUSEHOLD)
            .household("household_members", HouseholdAggregate.Function.MEMBERS)
            .household("household_adults", HouseholdAggregate.Function.ADULTS)
            .household("household_children", HouseholdAggregate.Function.CHILDREN)
            .household("adults_earned_income", HouseholdAggregate.Function.SUM_ADULTS, "earned_income")
            .household(
                    "adults_disability_income",
                    HouseholdAggregate.Function.SUM_ADULTS,
                    "supplemental_security_income",
                    "social_security_disability_income",
                    "va_disability_compensation",
                    "private_disability_income")
            .household(
                    "adults_other_income",
                    HouseholdAggregate.Function.SUM_ADULTS,
                    "tanf",
                    "general_assistance",
                    "child_support",
                    "other_income")
            .matching(
                    "adult_disabling_condition",
                    HouseholdAggregate.Function.ANY_ADULT,
                    "disabling_cond_at_entry",
                    "Yes")
            .matching("chronically_homeless", HouseholdAggregate.Function.ANY_MEMBER, "chronic_homeless_status", "1")
            .household("adults_barriers", HouseholdAggregate.Function.MAX_ADULTS, "barrier_count_at_entry")
            .household("non_cash_benefits", HouseholdAggregate.Function.MAX_MEMBERS, "non-cash_benefit_count")
            .matching("anyone_insured", HouseholdAggregate.Function.ANY_MEMBER, "covered_by_health_insurance", "Yes")
            .household("head_days_homeless", HouseholdAggregate.Function.HEAD, "length_of_time_homeless")
            .matching("head_full_ssn", HouseholdAggregate.Function.HEAD_IS, "ssn_quality", "Full SSN")
            .matching("record_restricted", HouseholdAggregate.Function.ANY_MEMBER, "client_record_restricted", "true")
            .build();

    private static final List<FeatureSpec> VERSIONS = List.of(V1, V2, V3);

    private final String version;
    private final Unit unit;
    private final List<Feature> features;
    private final List<String> featureNames;
    private final List<String> sourceColumns;
    private final Map<String, List<String>> valuesWithoutFlag;

    private FeatureSpec(
            String version, Unit unit, List<Feature> features, Map<String, List<String>> valuesWithoutFlag) {
        this.version = version;
        this.unit = unit;
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

    /** Whether a row is a guest's own or its household's. */
    public Unit unit() {
        return unit;
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
                unit,
                features.stream()
                        .filter(f -> !sourceColumns.contains(f.sourceColumn()))
                        .toList(),
                kept);
    }

    /** This specification with the one-hot flags {@code flags} of one column made one flag, where the first stood. */
    private FeatureSpec mergingFlags(String name, String... flags) {
        List<String> merged = List.of(flags);
        List<Feature> kept = new ArrayList<>();
        List<String> values = new ArrayList<>();
        Feature first = null;
        for (Feature feature : features) {
            if (merged.contains(feature.name())) {
                values.addAll(feature.values());
                if (first == null) {
                    first = feature;
                    kept.add(null);
                }
            } else {
                kept.add(feature);
            }
        }
        if (first == null || values.isEmpty()) {
            throw new IllegalArgumentException("no flags " + merged + " in " + this);
        }
        kept.set(
                kept.indexOf(null),
                new Feature(name, first.sourceColumn(), Encoding.ONE_HOT, values, first.kind(), null));
        return new FeatureSpec(version, unit, kept, valuesWithoutFlag);
    }

    private void validate() {
        for (Feature feature : features) {
            if ((feature.household() != null) != (unit == Unit.HOUSEHOLD)) {
                throw new IllegalArgumentException("feature " + feature.name() + ": a " + unit
                        + " specification's features are " + (unit == Unit.HOUSEHOLD ? "" : "not ")
                        + "household aggregates");
            }
        }
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
        private final Unit unit;
        private final List<Feature> features = new ArrayList<>();
        private final Map<String, List<String>> valuesWithoutFlag = new LinkedHashMap<>();

        Builder(String version) {
            this(version, Unit.GUEST);
        }

        Builder(String version, Unit unit) {
            this.version = version;
            this.unit = unit;
        }

        Builder household(String name, HouseholdAggregate.Function function, String... columns) {
            return add(name, new HouseholdAggregate(function, List.of(columns), List.of()));
        }

        Builder matching(String name, HouseholdAggregate.Function function, String column, String... values) {
            return add(name, new HouseholdAggregate(function, List.of(column), List.of(values)));
        }

        private Builder add(String name, HouseholdAggregate aggregate) {
            features.add(new Feature(name, name, Encoding.NUMBER, List.of(), Kind.CIRCUMSTANCE, aggregate));
            return this;
        }

        /** Marks every feature computed from one of {@code columns} as saying who a guest is. */
        Builder identity(List<String> columns) {
            features.replaceAll(f -> columns.contains(f.sourceColumn())
                    ? new Feature(f.name(), f.sourceColumn(), f.encoding(), f.values(), Kind.IDENTITY, null)
                    : f);
            return this;
        }

        Builder number(String... columns) {
            for (String column : columns) {
                features.add(new Feature(column, column, Encoding.NUMBER, List.of(), Kind.CIRCUMSTANCE, null));
            }
            return this;
        }

        Builder trueFalse(String column) {
            features.add(new Feature(column, column, Encoding.TRUE_FALSE, List.of(), Kind.CIRCUMSTANCE, null));
            return this;
        }

        Builder yesNo(String column) {
            features.add(new Feature(column, column, Encoding.YES_NO, List.of(), Kind.CIRCUMSTANCE, null));
            return this;
        }

        Builder oneHot(String column, List<String> withoutFlag, Flag... flags) {
            for (Flag flag : flags) {
                features.add(
                        new Feature(flag.name(), column, Encoding.ONE_HOT, flag.values(), Kind.CIRCUMSTANCE, null));
            }
            valuesWithoutFlag.put(column, List.copyOf(withoutFlag));
            return this;
        }

        FeatureSpec build() {
            return new FeatureSpec(version, unit, features, valuesWithoutFlag);
        }
    }
}
