package org.hmis.predictions.training;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.training.report.OutcomeMonth;

/**
 * How a model's predictions came out for the guests who have left since, from {@code prediction_outcomes}: by month
 * of exit (the view {@code prediction_outcome_months}) and by group, measured exactly as training measures the
 * held-out households ({@link HeldOutAnalysis}), so the two sit side by side.
 *
 * <p>The groups come from the guests table at the time of the report (race, ethnicity, gender, household type, and
 * age band from {@code age_at_enrollment}): the outcome keeps no protected attribute of its own. A guest the intake app
 * has since deleted counts as {@link GroupAttributes#MISSING}.
 *
 * @param months per month of exit, oldest first
 * @param byGroup the guests who left with a class, overall and by group; empty when there are none
 * @param measured outcomes with a class (the destination mapped to one)
 */
public record RealisedOutcomes(List<OutcomeMonth> months, Optional<GroupMetrics> byGroup, long measured) {
    private static final List<String> ATTRIBUTES = GroupAttributes.SOURCE_COLUMNS;

    public RealisedOutcomes {
        months = List.copyOf(months);
    }

    /** No outcomes: nothing has been recorded, or no database to read them from. */
    public static RealisedOutcomes none() {
        return new RealisedOutcomes(List.of(), Optional.empty(), 0);
    }

    /**
     * The outcomes of the predictions made by the model named {@code modelName} (the name predictions carry; every
     * version of the model uploaded under it). Sets the session's time zone to UTC, the key date rule's.
     */
    public static RealisedOutcomes read(Connection connection, SqlIdentifier guestsTable, String modelName)
            throws SQLException {
        try (Statement st = connection.createStatement()) {
            // The key date rule of the pipeline: a timestamp's date in UTC.
            st.execute("SET TIME ZONE 'UTC'");
        }
        List<OutcomeMonth> months = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT exit_month, guests, accuracy, macro_f1, brier"
                + " FROM prediction_outcome_months WHERE model = ? ORDER BY exit_month")) {
            ps.setString(1, modelName);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    months.add(new OutcomeMonth(
                            YearMonth.from(rs.getDate(1).toLocalDate()),
                            rs.getLong(2),
                            rs.getDouble(3),
                            rs.getDouble(4),
                            rs.getDouble(5)));
                }
            }
        }
        List<String> labels = ExitDestinationClasses.LABELS;
        StringBuilder attributeColumns = new StringBuilder();
        for (String column : ATTRIBUTES) {
            attributeColumns.append(", g.\"").append(column).append('"');
        }
        String sql = "SELECT o.actual_class, o.p_es, o.p_other, o.p_perm, o.p_temp, o.p_unknown" + attributeColumns
                + ", g.\"" + GroupAttributes.AGE_AT_ENROLLMENT + "\"::text FROM prediction_outcomes o"
                + " LEFT JOIN LATERAL (SELECT * FROM " + guestsTable.quoted() + " g"
                + " WHERE g.personal_id = o.personal_id AND g.enroll_date::date = o.enroll_date LIMIT 1) g ON true"
                + " WHERE o.model = ? AND o.actual_class IS NOT NULL ORDER BY o.personal_id, o.enroll_date";
        List<Integer> actual = new ArrayList<>();
        List<double[]> probabilities = new ArrayList<>();
        Map<String, List<String>> groups = new LinkedHashMap<>();
        ATTRIBUTES.forEach(a -> groups.put(a, new ArrayList<>()));
        groups.put(GroupAttributes.AGE_BAND_AT_ENTRY, new ArrayList<>());
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, modelName);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    actual.add(labels.indexOf(rs.getString(1)));
                    double[] p = new double[labels.size()];
                    for (int c = 0; c < p.length; c++) {
                        p[c] = rs.getDouble(2 + c);
                    }
                    probabilities.add(p);
                    int column = 2 + labels.size();
                    for (String attribute : ATTRIBUTES) {
                        groups.get(attribute).add(GroupAttributes.group(rs.getString(column++)));
                    }
                    groups.get(GroupAttributes.AGE_BAND_AT_ENTRY).add(GroupAttributes.ageBand(rs.getString(column)));
                }
            }
        }
        if (actual.isEmpty()) {
            return new RealisedOutcomes(months, Optional.empty(), 0);
        }
        int[] actualClasses = actual.stream().mapToInt(Integer::intValue).toArray();
        double[] flat = new double[actualClasses.length * labels.size()];
        for (int row = 0; row < probabilities.size(); row++) {
            System.arraycopy(probabilities.get(row), 0, flat, row * labels.size(), labels.size());
        }
        Map<String, String[]> byAttribute = new LinkedHashMap<>();
        groups.forEach((attribute, values) -> byAttribute.put(attribute, values.toArray(String[]::new)));
        return new RealisedOutcomes(
                months,
                Optional.of(HeldOutAnalysis.measure(labels, actualClasses, flat, new GroupAttributes(byAttribute))),
                actualClasses.length);
    }
}
