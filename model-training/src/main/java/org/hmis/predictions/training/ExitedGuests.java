package org.hmis.predictions.training;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.features.FeatureQuery;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.features.GuestFeatures;
import org.hmis.predictions.common.features.RejectedRowException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the guests who have left, with the destination they left to, as training rows: the same feature
 * specification and transform ({@link GuestFeatures}) the wrangle step applies to current guests, labelled by
 * {@link ExitDestinationClasses}, grouped by household ({@code case_id}), with the groups each guest belongs to
 * ({@link GroupAttributes}: race, ethnicity, gender, household type, age band at entry) read beside the features,
 * whichever specification the features follow, so every model is measured for every group.
 *
 * <p>Rows stream through a server-side cursor (autocommit off, a fetch size), so the driver never holds the whole
 * table; only the feature matrix itself grows with the row count. Rows come in key order, so the same table gives
 * the same matrix and, with the same seed, the same model.
 */
public final class ExitedGuests {

    private static final Logger LOG = LoggerFactory.getLogger(ExitedGuests.class);
    private static final int FETCH_ROWS = 10_000;
    private static final String CASE_ID = "case_id";
    private static final String EXIT_DESTINATION = "exit_destination";
    /** The attributes in report order, and the column each is read from. */
    private static final List<String> ATTRIBUTES =
            concat(GroupAttributes.SOURCE_COLUMNS, GroupAttributes.AGE_BAND_AT_ENTRY);

    private static final List<String> ATTRIBUTE_COLUMNS =
            concat(GroupAttributes.SOURCE_COLUMNS, GroupAttributes.AGE_AT_ENROLLMENT);

    private ExitedGuests() {}

    /**
     * Reads every guest with an exit date and an exit destination from {@code table}.
     *
     * @throws IllegalStateException when no row could be used, naming why
     */
    public static TrainingSet read(
            Connection connection, SqlIdentifier table, FeatureSpec spec, ExitDestinationClasses classes)
            throws SQLException {
        GuestFeatures features = new GuestFeatures(spec);
        List<String> inputColumns = features.inputColumns();
        int inputWidth = inputColumns.size();
        int numFeatures = spec.size();
        boolean autoCommit = connection.getAutoCommit();
        // A cursor (and so a fetch size) needs a transaction; nothing is written, so it ends in a rollback.
        connection.setAutoCommit(false);
        try (PreparedStatement statement = connection.prepareStatement(query(table, spec))) {
            statement.setFetchSize(FETCH_ROWS);
            Matrix matrix = new Matrix(numFeatures);
            Map<String, Long> unmapped = new TreeMap<>();
            long[] classCounts = new long[ExitDestinationClasses.classCount()];
            long rowsRead = 0;
            long rejected = 0;
            String[] row = new String[inputWidth];
            double[] values = new double[numFeatures];
            String[] attributes = new String[ATTRIBUTES.size()];
            // Few distinct values: one String per value, not per row.
            Map<String, String> distinct = new HashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    rowsRead++;
                    for (int c = 0; c < inputWidth; c++) {
                        row[c] = rows.getString(c + 1);
                    }
                    String destination = rows.getString(inputWidth + 2);
                    OptionalInt label = classes.classIndex(destination);
                    if (label.isEmpty()) {
                        unmapped.merge(destination, 1L, Long::sum);
                        continue;
                    }
                    try {
                        features.encode(row, values);
                    } catch (RejectedRowException e) {
                        rejected++;
                        continue;
                    }
                    long caseId = rows.getLong(inputWidth + 1);
                    // A guest without a household is a household of one; personal ids are positive, case ids too.
                    long group = rows.wasNull() ? -Long.parseLong(row[0]) : caseId;
                    for (int a = 0; a < attributes.length; a++) {
                        String value = rows.getString(inputWidth + 3 + a);
                        String attribute = ATTRIBUTES.get(a).equals(GroupAttributes.AGE_BAND_AT_ENTRY)
                                ? GroupAttributes.ageBand(value)
                                : GroupAttributes.group(value);
                        attributes[a] = distinct.computeIfAbsent(attribute, v -> v);
                    }
                    matrix.add(values, label.getAsInt(), group, attributes);
                    classCounts[label.getAsInt()]++;
                }
            } finally {
                connection.rollback();
            }
            LOG.info(
                    "Read {} exited guests from {}: {} kept, {} with an unmapped destination, {} with a malformed key",
                    rowsRead,
                    table,
                    matrix.rows,
                    unmapped.values().stream().mapToLong(Long::longValue).sum(),
                    rejected);
            if (matrix.rows == 0) {
                throw new IllegalStateException("no exited guest in " + table + " can be trained on: " + rowsRead
                        + " rows read with exit_date and exit_destination set, " + rejected
                        + " with a malformed key, unmapped "
                        + "destinations " + unmapped);
            }
            TrainingData data = new TrainingData(
                    spec.featureNames(), matrix.values(), matrix.labels(), matrix.groups(), matrix.attributes());
            return new TrainingSet(
                    data,
                    rowsRead,
                    unmapped,
                    rejected,
                    new LinkedHashMap<>(features.unknownValueCounts()),
                    classCounts);
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /**
     * The query ({@link FeatureQuery#exited}): the transform's input columns, then the household, the destination and
     * the group attributes' source columns. Only those columns. For a household specification, one row per household:
     * its head's destination and groups.
     */
    static String query(SqlIdentifier table, FeatureSpec spec) {
        List<String> extra = new ArrayList<>(List.of(CASE_ID, EXIT_DESTINATION));
        extra.addAll(ATTRIBUTE_COLUMNS);
        return FeatureQuery.exited(table, spec, extra);
    }

    private static List<String> concat(List<String> first, String last) {
        List<String> all = new ArrayList<>(first);
        all.add(last);
        return List.copyOf(all);
    }

    /** Rows appended to growing arrays: the row count is known only at the end of the cursor. */
    private static final class Matrix {
        private final int width;
        private double[] values;
        private int[] labels;
        private long[] groups;
        private final String[][] attributes = new String[ATTRIBUTES.size()][1024];
        private int rows;

        Matrix(int width) {
            this.width = width;
            this.values = new double[1024 * width];
            this.labels = new int[1024];
            this.groups = new long[1024];
        }

        void add(double[] row, int label, long group, String[] rowAttributes) {
            if (rows == labels.length) {
                int capacity = Math.multiplyExact(rows, 2);
                values = Arrays.copyOf(values, Math.multiplyExact(capacity, width));
                labels = Arrays.copyOf(labels, capacity);
                groups = Arrays.copyOf(groups, capacity);
                for (int a = 0; a < attributes.length; a++) {
                    attributes[a] = Arrays.copyOf(attributes[a], capacity);
                }
            }
            for (int a = 0; a < attributes.length; a++) {
                attributes[a][rows] = rowAttributes[a];
            }
            System.arraycopy(row, 0, values, rows * width, width);
            labels[rows] = label;
            groups[rows] = group;
            rows++;
        }

        double[] values() {
            return Arrays.copyOf(values, rows * width);
        }

        int[] labels() {
            return Arrays.copyOf(labels, rows);
        }

        long[] groups() {
            return Arrays.copyOf(groups, rows);
        }

        GroupAttributes attributes() {
            Map<String, String[]> byAttribute = new LinkedHashMap<>();
            for (int a = 0; a < attributes.length; a++) {
                byAttribute.put(ATTRIBUTES.get(a), Arrays.copyOf(attributes[a], rows));
            }
            return new GroupAttributes(byAttribute);
        }
    }
}
