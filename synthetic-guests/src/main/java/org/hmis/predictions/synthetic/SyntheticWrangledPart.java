package org.hmis.predictions.synthetic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hmis.predictions.common.csv.WrangledCsv;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.features.GuestFeatures;
import org.hmis.predictions.common.features.RejectedRowException;

/**
 * A wrangled part made of synthetic guests, without a database: the generator's rows (COPY text) go through the same
 * {@link GuestFeatures} transform the wrangle step applies and out as {@link WrangledCsv}, streaming, so a part of a
 * million rows needs no more memory than one of ten. For the benchmark and the tests.
 */
public final class SyntheticWrangledPart {
    private static final String NULL = "\\N";

    private SyntheticWrangledPart() {}

    /**
     * Writes {@code guests} generated guests (current and exited alike) as a wrangled part of {@code spec}'s features
     * to {@code out}, which is flushed, not closed. Returns the rows written.
     */
    public static long write(GuestGenerator generator, long guests, FeatureSpec spec, OutputStream out)
            throws IOException {
        WrangledCsv.RowWriter rows = WrangledCsv.writer(out, spec.featureNames());
        GeneratedRows sink = new GeneratedRows(new GuestFeatures(spec), rows, spec.size());
        generator.write(sink, guests, GuestGenerator.Format.COPY_TEXT);
        sink.finish();
        rows.flush();
        return rows.rowCount();
    }

    /** Splits the generator's COPY text into lines and each line into the transform's input columns. */
    private static final class GeneratedRows extends OutputStream {
        private final GuestFeatures features;
        private final WrangledCsv.RowWriter rows;
        private final int[] inputFields;
        private final String[] input;
        private final double[] values;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(4096);

        GeneratedRows(GuestFeatures features, WrangledCsv.RowWriter rows, int numFeatures) {
            this.features = features;
            this.rows = rows;
            List<String> inputColumns = features.inputColumns();
            this.inputFields = inputColumns.stream()
                    .mapToInt(GuestGenerator.COLUMNS::indexOf)
                    .toArray();
            for (int i = 0; i < inputFields.length; i++) {
                if (inputFields[i] < 0) {
                    throw new IllegalStateException("the generator writes no column " + inputColumns.get(i));
                }
            }
            this.input = new String[inputFields.length];
            this.values = new double[numFeatures];
        }

        @Override
        public void write(int b) throws IOException {
            if (b == '\n') {
                endLine();
            } else {
                line.write(b);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            int start = offset;
            int end = offset + length;
            for (int i = offset; i < end; i++) {
                if (bytes[i] == '\n') {
                    line.write(bytes, start, i - start);
                    endLine();
                    start = i + 1;
                }
            }
            line.write(bytes, start, end - start);
        }

        void finish() throws IOException {
            if (line.size() > 0) {
                endLine();
            }
        }

        private void endLine() throws IOException {
            String[] fields = line.toString(StandardCharsets.UTF_8).split("\t", -1);
            line.reset();
            if (fields.length != GuestGenerator.COLUMNS.size()) {
                throw new IllegalStateException(
                        "a generated row has " + fields.length + " fields, expected " + GuestGenerator.COLUMNS.size());
            }
            for (int i = 0; i < inputFields.length; i++) {
                String field = fields[inputFields[i]];
                input[i] = field.equals(NULL) ? null : unescape(field);
            }
            try {
                rows.write(features.encode(input, values), values);
            } catch (RejectedRowException e) {
                throw new IllegalStateException("the generator wrote a row without a valid key: " + e.getMessage(), e);
            }
        }

        /** COPY text escapes: backslash followed by t, n, r or backslash. */
        private static String unescape(String field) {
            if (field.indexOf('\\') < 0) {
                return field;
            }
            StringBuilder text = new StringBuilder(field.length());
            for (int i = 0; i < field.length(); i++) {
                char ch = field.charAt(i);
                if (ch == '\\' && i + 1 < field.length()) {
                    char next = field.charAt(++i);
                    text.append(
                            switch (next) {
                                case 't' -> '\t';
                                case 'n' -> '\n';
                                case 'r' -> '\r';
                                default -> next;
                            });
                } else {
                    text.append(ch);
                }
            }
            return text.toString();
        }
    }
}
