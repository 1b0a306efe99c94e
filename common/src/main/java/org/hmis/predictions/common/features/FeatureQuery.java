package org.hmis.predictions.common.features;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.features.FeatureSpec.HouseholdAggregate;

/**
 * The queries that read a feature specification's input rows ({@link GuestFeatures#inputColumns()}: the key, then the
 * source columns) from the guests table, in key order: the wrangle's of the current guests, training's of the guests
 * who left. For a {@link FeatureSpec.Unit#HOUSEHOLD} specification each feature is computed by the server over the
 * household's members among the rows read (window aggregates over {@code case_id}), so a household's figures never
 * leave the database member by member, and training reads one row per household, its head's.
 *
 * <p>Column names come from the specification, whose names are checked to {@code [a-z][a-z0-9_-]*} and quoted here;
 * the values a household feature compares with are constants of the specification, checked to hold no quote.
 */
public final class FeatureQuery {
    private static final String CASE_ID = "case_id";
    private static final String HOUSEHOLD = "household";
    private static final String ADULT = quote("age_at_enrollment") + " >= 18";
    private static final String CHILD = quote("age_at_enrollment") + " < 18";
    private static final String HEAD = quote("relationship_to_hoh") + " = 'Self'";
    /** A guest without a household is a household alone. */
    private static final String HOUSEHOLD_KEY = quote(CASE_ID) + ", CASE WHEN " + quote(CASE_ID) + " IS NULL THEN "
            + quote(GuestFeatures.PERSONAL_ID) + " END";

    /**
     * After a household specification's input columns, the current guest's household members among the rows read:
     * drift counts each member as one over their number, so the household counts once.
     */
    public static final String HOUSEHOLD_ROWS = "household_rows";

    private static final String KEY_ORDER =
            " ORDER BY " + quote(GuestFeatures.PERSONAL_ID) + ", " + quote(GuestFeatures.ENROLL_DATE);

    private FeatureQuery() {}

    /**
     * The current guests ({@code exit_date IS NULL}), one row each in key order: copies of a key come one after
     * another. A household is its current members; under a household specification each row ends with
     * {@value #HOUSEHOLD_ROWS}.
     */
    public static String currentGuests(SqlIdentifier guestsTable, FeatureSpec spec) {
        return currentGuests(guestsTable, spec, List.of());
    }

    /**
     * {@link #currentGuests(SqlIdentifier, FeatureSpec)} with {@code extraColumns} of the guests table after the
     * input columns (before {@value #HOUSEHOLD_ROWS}).
     */
    public static String currentGuests(SqlIdentifier guestsTable, FeatureSpec spec, List<String> extraColumns) {
        String where = " WHERE " + quote("exit_date") + " IS NULL";
        boolean household = spec.unit() == FeatureSpec.Unit.HOUSEHOLD;
        String window = household ? " WINDOW " + HOUSEHOLD + " AS (PARTITION BY " + HOUSEHOLD_KEY + ")" : "";
        String members = household ? ", count(*) OVER " + HOUSEHOLD + " AS " + quote(HOUSEHOLD_ROWS) : "";
        return "SELECT " + selectList(spec, extraColumns) + members + " FROM " + guestsTable.quoted() + where + window
                + KEY_ORDER;
    }

    /**
     * The most current guests of one household (a guest without a {@code case_id} is one alone), 1 when there are
     * none: under a guest specification drift takes its rows as this many times fewer independent draws, since the
     * members of a household share much.
     */
    public static String largestCurrentHousehold(SqlIdentifier guestsTable) {
        return "SELECT coalesce(max(members), 1) FROM (SELECT count(*) AS members FROM " + guestsTable.quoted()
                + " WHERE " + quote("exit_date") + " IS NULL GROUP BY " + HOUSEHOLD_KEY + ") households";
    }

    /**
     * The guests who left with a destination recorded, in key order, each row followed by {@code extraColumns}. For
     * a household specification one row per household (the members of one {@code case_id} who left on one day): the
     * head's, or without a head the member of the smallest key, whose extra columns (such as the destination) stand
     * for the household.
     */
    public static String exited(SqlIdentifier guestsTable, FeatureSpec spec, List<String> extraColumns) {
        String where =
                " WHERE " + quote("exit_date") + " IS NOT NULL AND " + quote("exit_destination") + " IS NOT NULL";
        if (spec.unit() == FeatureSpec.Unit.GUEST) {
            return "SELECT " + selectList(spec, extraColumns) + " FROM " + guestsTable.quoted() + where + KEY_ORDER;
        }
        List<String> outer = new ArrayList<>(new GuestFeatures(spec).inputColumns());
        outer.addAll(extraColumns);
        return "SELECT " + outer.stream().map(FeatureQuery::quote).collect(Collectors.joining(", ")) + " FROM (SELECT "
                + selectList(spec, extraColumns) + ", row_number() OVER (" + HOUSEHOLD + " ORDER BY (" + HEAD
                + ") IS TRUE DESC, " + quote(GuestFeatures.PERSONAL_ID) + ", " + quote(GuestFeatures.ENROLL_DATE)
                + ") AS household_row FROM " + guestsTable.quoted() + where + " WINDOW " + HOUSEHOLD
                + " AS (PARTITION BY " + HOUSEHOLD_KEY + ", " + quote("exit_date") + "::date)) members"
                + " WHERE household_row = 1" + KEY_ORDER;
    }

    /** The COPY statement that streams {@code query} as CSV. */
    public static String copy(String query) {
        return "COPY (" + query + ") TO STDOUT (FORMAT csv)";
    }

    private static String selectList(FeatureSpec spec, List<String> extraColumns) {
        StringJoiner select = new StringJoiner(", ");
        // enroll_date may be a timestamp in an older table: the key is the day either way.
        select.add(quote(GuestFeatures.PERSONAL_ID));
        select.add(quote(GuestFeatures.ENROLL_DATE) + "::date AS " + quote(GuestFeatures.ENROLL_DATE));
        for (FeatureSpec.Feature feature : distinctBySource(spec)) {
            select.add(
                    feature.household() == null
                            ? quote(feature.sourceColumn())
                            : aggregate(feature.household()) + " AS " + quote(feature.name()));
        }
        extraColumns.forEach(column -> select.add(quote(column)));
        return select.toString();
    }

    private static List<FeatureSpec.Feature> distinctBySource(FeatureSpec spec) {
        List<FeatureSpec.Feature> features = new ArrayList<>();
        for (String column : spec.sourceColumns()) {
            features.add(spec.features().stream()
                    .filter(f -> f.sourceColumn().equals(column))
                    .findFirst()
                    .orElseThrow());
        }
        return features;
    }

    /** One household feature as a window aggregate over the household. */
    static String aggregate(HouseholdAggregate aggregate) {
        String over = " OVER " + HOUSEHOLD;
        List<String> columns = aggregate.columns();
        return switch (aggregate.function()) {
            case MEMBERS -> "count(*)" + over;
            case ADULTS -> "count(*) FILTER (WHERE " + ADULT + ")" + over;
            case CHILDREN -> "count(*) FILTER (WHERE " + CHILD + ")" + over;
            case SUM_ADULTS ->
                "coalesce(sum("
                        + columns.stream()
                                .map(c -> "coalesce(" + quote(c) + ", 0)")
                                .collect(Collectors.joining(" + "))
                        + ") FILTER (WHERE " + ADULT + ")" + over + ", 0)";
            case MAX_ADULTS -> "max(" + quote(columns.get(0)) + ") FILTER (WHERE " + ADULT + ")" + over;
            case MAX_MEMBERS -> "max(" + quote(columns.get(0)) + ")" + over;
            case ANY_ADULT -> anyOf(aggregate, " FILTER (WHERE " + ADULT + ")" + over);
            case ANY_MEMBER -> anyOf(aggregate, over);
            case HEAD -> "max(" + quote(columns.get(0)) + ") FILTER (WHERE " + HEAD + ")" + over;
            case HEAD_IS ->
                "CASE WHEN count(*) FILTER (WHERE " + HEAD + ")" + over + " = 0 THEN NULL ELSE "
                        + anyOf(aggregate, " FILTER (WHERE " + HEAD + ")" + over) + " END";
        };
    }

    /** 1 when a row the filter keeps holds one of the values, else 0. */
    private static String anyOf(HouseholdAggregate aggregate, String filterAndWindow) {
        String values = aggregate.values().stream().map(v -> "'" + v + "'").collect(Collectors.joining(", "));
        return "CASE WHEN bool_or(" + quote(aggregate.columns().get(0)) + "::text IN (" + values + "))"
                + filterAndWindow + " THEN 1 ELSE 0 END";
    }

    private static String quote(String column) {
        return '"' + column + '"';
    }
}
