package org.hmis.predictions.common.features;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hmis.predictions.common.features.FeatureSpec.Encoding;
import org.hmis.predictions.common.features.FeatureSpec.Feature;

/**
 * The guest-to-features transform of a {@link FeatureSpec}: turns one row of guests columns, in their text form,
 * into the guest's key and feature values.
 *
 * <p>A row is a {@code String[]} laid out as {@link #inputColumns()}: {@code personal_id}, {@code enroll_date},
 * then the spec's source columns. Values are the columns' text as PostgreSQL writes it (in
 * {@code COPY ... TO STDOUT (FORMAT csv)} or {@code ResultSet.getString}); {@code null} is SQL NULL, and an empty
 * string is treated the same. Columns after these are ignored, so a training query may append its label.
 *
 * <p>Encoding never drops a row for a feature value: NULL is missing ({@link Double#NaN}) for a numeric feature
 * and 0 for every flag of a one-hot column. A value the spec does not know, a category it does not list or a
 * number that does not parse, encodes as missing (numeric) or zeros (one-hot) and is counted per column, so a new
 * category shows up in the run summary. Only a row whose key is missing or malformed is rejected.
 *
 * <p>Lookups are built once here; encoding a row allocates only its key. An instance keeps counts, so use one per
 * stream of rows (it is not thread-safe).
 */
public final class GuestFeatures {

    public static final String PERSONAL_ID = "personal_id";
    public static final String ENROLL_DATE = "enroll_date";
    private static final int KEY_WIDTH = 2;
    // Marks a known category value that sets no flag.
    private static final Integer NO_FLAG = -1;

    private final FeatureSpec spec;
    private final List<String> inputColumns;
    private final Encoding[] encodings;
    // Per source column: the feature it feeds (numeric encodings) or the features of its flags (one-hot).
    private final int[] featureIndex;
    private final int[][] flagFeatures;
    // Per one-hot source column: value -> index of the feature it flags, or NO_FLAG.
    private final List<Map<String, Integer>> flagByValue;
    private final long[] unknownCounts;

    public GuestFeatures(FeatureSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        List<String> columns = spec.sourceColumns();
        List<String> input = new ArrayList<>(KEY_WIDTH + columns.size());
        input.add(PERSONAL_ID);
        input.add(ENROLL_DATE);
        input.addAll(columns);
        this.inputColumns = List.copyOf(input);
        this.encodings = new Encoding[columns.size()];
        this.featureIndex = new int[columns.size()];
        this.flagFeatures = new int[columns.size()][];
        this.flagByValue = new ArrayList<>(columns.size());
        this.unknownCounts = new long[columns.size()];
        List<Feature> features = spec.features();
        for (int c = 0; c < columns.size(); c++) {
            String column = columns.get(c);
            encodings[c] = spec.encodingOf(column);
            Map<String, Integer> flags = new HashMap<>();
            List<Integer> indexes = new ArrayList<>();
            for (int f = 0; f < features.size(); f++) {
                if (features.get(f).sourceColumn().equals(column)) {
                    indexes.add(f);
                    for (String value : features.get(f).values()) {
                        flags.put(value, f);
                    }
                }
            }
            featureIndex[c] = indexes.get(0);
            flagFeatures[c] = indexes.stream().mapToInt(Integer::intValue).toArray();
            for (String value : spec.valuesWithoutFlag(column)) {
                flags.put(value, NO_FLAG);
            }
            flagByValue.add(flags);
        }
    }

    /** The columns of an input row, in order: the key, then the spec's source columns. */
    public List<String> inputColumns() {
        return inputColumns;
    }

    /**
     * Encodes one row.
     *
     * @param row      the row's text values in {@link #inputColumns()} order, null for NULL
     * @param features receives the {@link FeatureSpec#size()} feature values, in spec order
     * @return the row's key
     * @throws RejectedRowException when the key is missing or malformed; {@code features} is then left as it was
     */
    public GuestKey encode(String[] row, double[] features) throws RejectedRowException {
        if (row.length < inputColumns.size()) {
            throw new IllegalArgumentException(
                    "a row needs " + inputColumns.size() + " values (" + inputColumns + "), got " + row.length);
        }
        if (features.length != spec.size()) {
            throw new IllegalArgumentException(
                    "features needs room for " + spec.size() + " values, has " + features.length);
        }
        GuestKey key = new GuestKey(personalId(row[0]), enrollDate(row[1]));
        for (int c = 0; c < encodings.length; c++) {
            String value = row[KEY_WIDTH + c];
            boolean isNull = value == null || value.isEmpty();
            switch (encodings[c]) {
                case NUMBER -> features[featureIndex[c]] = isNull ? Double.NaN : number(value, c);
                case TRUE_FALSE -> features[featureIndex[c]] = isNull ? Double.NaN : trueFalse(value, c);
                case YES_NO -> features[featureIndex[c]] = isNull ? Double.NaN : yesNo(value, c);
                case ONE_HOT -> oneHot(isNull ? null : value, c, features);
            }
        }
        return key;
    }

    /** Per source column, how many values were unknown (unlisted categories, unparseable numbers); only columns that had some. */
    public Map<String, Long> unknownValueCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int c = 0; c < unknownCounts.length; c++) {
            if (unknownCounts[c] > 0) {
                counts.put(spec.sourceColumns().get(c), unknownCounts[c]);
            }
        }
        return Collections.unmodifiableMap(counts);
    }

    private static int personalId(String text) throws RejectedRowException {
        if (text == null || text.isEmpty()) {
            throw new RejectedRowException(PERSONAL_ID + " is missing");
        }
        try {
            return Integer.parseInt(text, 0, text.length(), 10);
        } catch (NumberFormatException e) {
            throw new RejectedRowException(PERSONAL_ID + " " + ColumnText.quoted(text) + " is not an integer");
        }
    }

    private static LocalDate enrollDate(String text) throws RejectedRowException {
        if (text == null || text.isEmpty()) {
            throw new RejectedRowException(ENROLL_DATE + " is missing");
        }
        LocalDate date = ColumnText.parseDate(text, 0, text.length());
        if (date == null) {
            throw new RejectedRowException(ENROLL_DATE + " " + ColumnText.quoted(text) + " is not a date (YYYY-MM-DD)");
        }
        return date;
    }

    private double number(String text, int column) {
        try {
            double value = ColumnText.parseDecimal(text, 0, text.length());
            // NUMERIC can hold NaN and infinities; to the model they are missing values.
            return Double.isFinite(value) ? value : Double.NaN;
        } catch (NumberFormatException e) {
            unknownCounts[column]++;
            return Double.NaN;
        }
    }

    private double trueFalse(String text, int column) {
        // PostgreSQL writes t/f; other clients and exports write true/false in any case.
        if (text.equals("t") || text.equalsIgnoreCase("true")) {
            return 1;
        }
        if (text.equals("f") || text.equalsIgnoreCase("false")) {
            return 0;
        }
        unknownCounts[column]++;
        return Double.NaN;
    }

    private double yesNo(String text, int column) {
        if (text.equals("Yes")) {
            return 1;
        }
        if (text.equals("No")) {
            return 0;
        }
        unknownCounts[column]++;
        return Double.NaN;
    }

    private void oneHot(String text, int column, double[] features) {
        for (int f : flagFeatures[column]) {
            features[f] = 0;
        }
        if (text == null) {
            return;
        }
        Integer flag = flagByValue.get(column).get(text);
        if (flag == null) {
            unknownCounts[column]++;
        } else if (flag >= 0) {
            features[flag] = 1;
        }
    }
}
