package org.hmis.predictions.common.csv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.hmis.predictions.common.features.ExitDestinationClasses;

/**
 * The predictions part format (docs/architecture.md, "CSV formats"):
 * {@code personal_id,enroll_date,predicted_exit_destination,p_es,p_other,p_perm,p_temp,p_unknown}.
 * Plain fields only (integers, ISO dates, class labels, numbers), so no quoting is ever needed or accepted.
 */
public final class PredictionsCsv {
    public static final List<String> CLASSES = ExitDestinationClasses.LABELS;
    public static final List<String> HEADER = List.of(
            "personal_id",
            "enroll_date",
            "predicted_exit_destination",
            "p_es",
            "p_other",
            "p_perm",
            "p_temp",
            "p_unknown");
    public static final String HEADER_LINE = String.join(",", HEADER);

    private PredictionsCsv() {}

    /** One guest's prediction. */
    @SuppressWarnings("ArrayRecordComponent") // a row read from a part, used once: never compared or hashed
    public record Row(int personalId, LocalDate enrollDate, String predicted, double[] probabilities) {}

    /** Writes rows; the caller owns and closes the writer. */
    public static final class CsvWriter {
        private final Writer out;
        private final StringBuilder line = new StringBuilder(128);
        private long rows;

        public CsvWriter(Writer out) {
            this.out = out;
            try {
                out.write(HEADER_LINE);
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Writes one row; {@code enrollDate} is the ISO text as it came in, so it is passed through unchanged. */
        public void write(int personalId, String enrollDate, int predictedClass, double[] probabilities, int offset) {
            line.setLength(0);
            line.append(personalId).append(',').append(enrollDate).append(',').append(CLASSES.get(predictedClass));
            for (int k = 0; k < CLASSES.size(); k++) {
                line.append(',').append(probabilities[offset + k]);
            }
            line.append('\n');
            try {
                out.append(line);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            rows++;
        }

        public long rows() {
            return rows;
        }
    }

    /** Reads and checks rows one at a time; every problem names the object and the line. */
    public static final class CsvReader implements AutoCloseable {
        private final BufferedReader in;
        private final String source;
        private long lineNumber;

        public CsvReader(Reader in, String source) {
            this.in = in instanceof BufferedReader b ? b : new BufferedReader(in, 64 * 1024);
            this.source = source;
            String header = readLine();
            if (header == null) {
                throw new CsvFormatException(source + " is empty: expected the header " + HEADER_LINE);
            }
            if (header.startsWith("\uFEFF")) {
                header = header.substring(1);
            }
            if (!header.equals(HEADER_LINE)) {
                throw new CsvFormatException(
                        source + " line 1: the header is '" + header + "', expected '" + HEADER_LINE + "'");
            }
        }

        /** The next row, or null at the end. */
        public Row next() {
            String text = readLine();
            if (text == null) {
                return null;
            }
            String[] f = text.split(",", -1);
            if (f.length != HEADER.size()) {
                throw fail("has " + f.length + " fields, expected " + HEADER.size());
            }
            int personalId;
            try {
                personalId = Integer.parseInt(f[0]);
            } catch (NumberFormatException e) {
                throw fail("personal_id '" + f[0] + "' is not an integer");
            }
            LocalDate enrollDate;
            try {
                enrollDate = LocalDate.parse(f[1]);
            } catch (DateTimeParseException e) {
                throw fail("enroll_date '" + f[1] + "' is not a date (YYYY-MM-DD)");
            }
            if (!CLASSES.contains(f[2])) {
                throw fail("predicted_exit_destination '" + f[2] + "' is not one of " + CLASSES);
            }
            double[] p = new double[CLASSES.size()];
            for (int k = 0; k < p.length; k++) {
                String name = HEADER.get(3 + k);
                try {
                    p[k] = Double.parseDouble(f[3 + k]);
                } catch (NumberFormatException e) {
                    throw fail(name + " '" + f[3 + k] + "' is not a number");
                }
                if (!(p[k] >= 0.0 && p[k] <= 1.0)) {
                    throw fail(name + " " + f[3 + k] + " is not a probability in [0, 1]");
                }
            }
            return new Row(personalId, enrollDate, f[2], p);
        }

        /** The line number of the row last returned (the header is line 1). */
        public long lineNumber() {
            return lineNumber;
        }

        private String readLine() {
            try {
                String text = in.readLine();
                if (text != null) {
                    lineNumber++;
                }
                return text;
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + source, e);
            }
        }

        private CsvFormatException fail(String problem) {
            return new CsvFormatException(source + " line " + lineNumber + ": " + problem);
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
