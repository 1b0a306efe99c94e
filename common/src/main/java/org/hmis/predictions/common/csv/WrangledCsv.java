package org.hmis.predictions.common.csv;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.hmis.predictions.common.features.ColumnText;
import org.hmis.predictions.common.features.FeatureListDifference;
import org.hmis.predictions.common.features.GuestFeatures;
import org.hmis.predictions.common.features.GuestKey;

/**
 * The wrangled CSV format, {@code wrangled/<runId>/part-NNNNN.csv} (docs/architecture.md, "CSV formats"): the header
 * {@code personal_id,enroll_date,<features in spec order>}, then one line per guest with the key and the feature
 * values. A missing value is an empty field; numbers are written so that reading them back gives the same doubles.
 * The wrangle step writes it, the predict step reads it.
 */
public final class WrangledCsv {

    private static final int KEY_FIELDS = 2;

    private WrangledCsv() {}

    /** The header fields for the given feature names. */
    public static List<String> header(List<String> featureNames) {
        List<String> header = new ArrayList<>(KEY_FIELDS + featureNames.size());
        header.add(GuestFeatures.PERSONAL_ID);
        header.add(GuestFeatures.ENROLL_DATE);
        header.addAll(featureNames);
        return List.copyOf(header);
    }

    /** Starts a file on the stream, writing its header. */
    public static RowWriter writer(OutputStream out, List<String> featureNames) throws IOException {
        return new RowWriter(new CsvOutput(out), featureNames);
    }

    /**
     * Opens a file on the stream and reads its header.
     *
     * @param source names the file in error messages, e.g. its S3 key
     * @throws CsvFormatException when the file is empty or its header is not that of the given features,
     *                            naming the missing, unexpected, duplicated and misplaced columns
     */
    public static RowReader reader(InputStream in, String source, List<String> featureNames) throws IOException {
        return new RowReader(new CsvInput(in), source, featureNames);
    }

    /** Writes guests' rows; not thread-safe. */
    public static final class RowWriter implements Flushable, Closeable {
        private final CsvOutput output;
        private final int featureCount;
        private long rowCount;

        private RowWriter(CsvOutput output, List<String> featureNames) throws IOException {
            this.output = output;
            this.featureCount = featureNames.size();
            for (String column : header(featureNames)) {
                output.text(column);
            }
            output.endRow();
        }

        /** Writes one guest's row; NaN values are written as empty fields. */
        public void write(GuestKey key, double[] features) throws IOException {
            if (features.length != featureCount) {
                throw new IllegalArgumentException(
                        "expected " + featureCount + " feature values, got " + features.length);
            }
            output.integer(key.personalId());
            output.date(key.enrollDate());
            for (double value : features) {
                output.number(value);
            }
            output.endRow();
            rowCount++;
        }

        /** The number of rows written, header excluded. */
        public long rowCount() {
            return rowCount;
        }

        @Override
        public void flush() throws IOException {
            output.flush();
        }

        /** Flushes and closes the stream. */
        @Override
        public void close() throws IOException {
            output.close();
        }
    }

    /**
     * Reads guests' rows, checking each: a wrong number of fields, a malformed key or a value that is not a number
     * is a {@link CsvFormatException} naming the file, the line and the column. Not thread-safe.
     */
    public static final class RowReader implements Closeable {
        private final CsvInput input;
        private final String source;
        private final List<String> columns;
        private final double[] features;
        private GuestKey key;
        private long rowCount;

        private RowReader(CsvInput input, String source, List<String> featureNames) throws IOException {
            this.input = input;
            this.source = source;
            this.columns = header(featureNames);
            this.features = new double[featureNames.size()];
            if (!input.nextRow()) {
                throw new CsvFormatException(source + " is empty: no header line");
            }
            List<String> actual = new ArrayList<>(input.fieldCount());
            for (int i = 0; i < input.fieldCount(); i++) {
                actual.add(input.text(i));
            }
            FeatureListDifference difference = FeatureListDifference.between(columns, actual);
            if (!difference.isEmpty()) {
                throw new CsvFormatException(source + " line 1: the header does not match the features expected ("
                        + columns.size() + " columns): " + difference.describe());
            }
        }

        /**
         * Reads the next row into {@link #key()} and {@link #features()}.
         *
         * @return false at the end of the file
         */
        public boolean next() throws IOException {
            if (!input.nextRow()) {
                return false;
            }
            long line = input.lineNumber();
            if (input.fieldCount() != columns.size()) {
                if (input.fieldCount() == 1 && input.isEmpty(0)) {
                    throw new CsvFormatException(source + " line " + line + " is empty");
                }
                throw new CsvFormatException(source + " line " + line + ": expected " + columns.size() + " fields ("
                        + GuestFeatures.PERSONAL_ID + ", " + GuestFeatures.ENROLL_DATE + " and " + features.length
                        + " features), found " + input.fieldCount());
            }
            key = new GuestKey(personalId(line), enrollDate(line));
            for (int f = 0; f < features.length; f++) {
                int field = KEY_FIELDS + f;
                if (input.isEmpty(field)) {
                    features[f] = Double.NaN;
                } else {
                    try {
                        features[f] = input.decimal(field);
                    } catch (NumberFormatException e) {
                        throw problem(line, field, ColumnText.quoted(input.text(field)) + " is not a number");
                    }
                }
            }
            rowCount++;
            return true;
        }

        /** The current row's key. */
        public GuestKey key() {
            return key;
        }

        /** The current row's feature values, NaN where missing; the array is reused by {@link #next()}. */
        public double[] features() {
            return features;
        }

        /** The line number of the current row (the header is line 1). */
        public long lineNumber() {
            return input.lineNumber();
        }

        /** The number of rows read, header excluded. */
        public long rowCount() {
            return rowCount;
        }

        @Override
        public void close() throws IOException {
            input.close();
        }

        private int personalId(long line) throws CsvFormatException {
            if (input.isEmpty(0)) {
                throw problem(line, 0, "value is missing");
            }
            try {
                return input.integer(0);
            } catch (NumberFormatException e) {
                throw problem(line, 0, ColumnText.quoted(input.text(0)) + " is not an integer");
            }
        }

        private LocalDate enrollDate(long line) throws CsvFormatException {
            if (input.isEmpty(1)) {
                throw problem(line, 1, "value is missing");
            }
            LocalDate date = input.date(1);
            if (date == null) {
                throw problem(line, 1, ColumnText.quoted(input.text(1)) + " is not a date (YYYY-MM-DD)");
            }
            return date;
        }

        private CsvFormatException problem(long line, int field, String what) {
            return new CsvFormatException(
                    source + " line " + line + ", column " + (field + 1) + " (" + columns.get(field) + "): " + what);
        }
    }
}
