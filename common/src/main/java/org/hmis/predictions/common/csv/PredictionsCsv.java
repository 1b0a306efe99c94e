package org.hmis.predictions.common.csv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.stream.Stream;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.run.ObjectMetadata;

/**
 * The predictions part format (docs/architecture.md, "CSV formats"). Version {@value #V3}, written since the risk has
 * its own model: {@code personal_id,enroll_date,predicted_exit_destination,p_es,p_other,p_perm,p_temp,p_unknown,risk,
 * reasons}, where {@code risk} is the risk model's probability that the household does not reach permanent housing
 * (1 &minus; {@code p_perm} for a model trained without a risk model) and {@code reasons} a JSON object (RFC 4180
 * quoted, its quotes doubled; {@link org.hmis.predictions.common.explain.Reasons} gives its shape) or empty when
 * predict did not explain. Version {@value #V2} has the same columns, its {@code risk} always 1 &minus; {@code p_perm}.
 * Version {@value #V1} is the first eight columns alone. The version is named by the object metadata
 * {@link org.hmis.predictions.common.run.ObjectMetadata#PREDICTIONS_FORMAT}; a part without it is read by its header,
 * the ten columns as version {@value #V2}. Every other field is plain (integers, ISO dates, class labels, numbers).
 */
public final class PredictionsCsv {
    public static final String V1 = "v1";
    public static final String V2 = "v2";
    public static final String V3 = "v3";
    /** The version {@link CsvWriter} writes. */
    public static final String FORMAT = V3;
    /** The versions {@link CsvReader} reads. */
    public static final List<String> FORMATS = List.of(V1, V2, V3);

    public static final List<String> CLASSES = ExitDestinationClasses.LABELS;
    private static final int PERM = CLASSES.indexOf("perm");
    public static final List<String> V1_HEADER = List.of(
            "personal_id",
            "enroll_date",
            "predicted_exit_destination",
            "p_es",
            "p_other",
            "p_perm",
            "p_temp",
            "p_unknown");
    public static final List<String> HEADER =
            Stream.concat(V1_HEADER.stream(), Stream.of("risk", "reasons")).toList();
    public static final String V1_HEADER_LINE = String.join(",", V1_HEADER);
    public static final String HEADER_LINE = String.join(",", HEADER);
    /** How far a version {@value #V2} {@code risk} may be from 1 &minus; {@code p_perm}: one subtraction's rounding. */
    private static final double RISK_TOLERANCE = 1e-12;
    /**
     * How far a row's five probabilities may sum from 1: a softmax's rounding is many orders below it, a part whose
     * probabilities were rounded to six places for display stays within it, and a wrong or hand-edited row does not.
     */
    public static final double SUM_TOLERANCE = 1e-6;

    private PredictionsCsv() {}

    /**
     * One guest's prediction; {@code risk} the chance of not reaching permanent housing as the part gives it (for a
     * version {@value #V1} part, 1 &minus; {@code p_perm}), {@code reasons} the JSON text or null when the part has
     * none.
     */
    @SuppressWarnings("ArrayRecordComponent") // a row read from a part, used once: never compared or hashed
    public record Row(
            int personalId,
            LocalDate enrollDate,
            String predicted,
            double[] probabilities,
            double risk,
            String reasons) {}

    /**
     * The risk of a row of the five-class model's probabilities, 1 &minus; {@code p_perm}: the risk of a model
     * trained without a risk model, and of a version {@value #V1} or {@value #V2} part.
     */
    public static double risk(double[] probabilities, int offset) {
        return 1.0 - probabilities[offset + PERM];
    }

    /** Writes rows of version {@value #FORMAT}; the caller owns and closes the writer. */
    public static final class CsvWriter {
        private final Writer out;
        private final StringBuilder line = new StringBuilder(1024);
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

        /**
         * Writes one row of a model without a risk model: its risk is 1 &minus; {@code p_perm}.
         *
         * @param reasons the row's reasons as JSON, or null when not explained
         */
        public void write(
                int personalId,
                String enrollDate,
                int predictedClass,
                double[] probabilities,
                int offset,
                CharSequence reasons) {
            write(personalId, enrollDate, predictedClass, probabilities, offset, risk(probabilities, offset), reasons);
        }

        /**
         * Writes one row; {@code enrollDate} is the ISO text as it came in, so it is passed through unchanged.
         *
         * @param risk the risk model's probability of not reaching permanent housing
         * @param reasons the row's reasons as JSON, or null when not explained
         */
        public void write(
                int personalId,
                String enrollDate,
                int predictedClass,
                double[] probabilities,
                int offset,
                double risk,
                CharSequence reasons) {
            if (!(risk >= 0.0 && risk <= 1.0)) {
                throw new IllegalArgumentException("risk " + risk + " is not a probability in [0, 1]");
            }
            line.setLength(0);
            line.append(personalId).append(',').append(enrollDate).append(',').append(CLASSES.get(predictedClass));
            for (int k = 0; k < CLASSES.size(); k++) {
                line.append(',').append(probabilities[offset + k]);
            }
            line.append(',').append(risk).append(',');
            if (reasons != null) {
                line.append('"');
                for (int i = 0; i < reasons.length(); i++) {
                    char ch = reasons.charAt(i);
                    if (ch == '"') {
                        line.append('"');
                    }
                    line.append(ch);
                }
                line.append('"');
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
        private final String format;
        private long lineNumber;

        /** A part whose version is read from its header. */
        public CsvReader(Reader in, String source) {
            this(in, source, null);
        }

        /**
         * @param format the version the part's metadata names, or null to judge by the header
         * @throws CsvFormatException naming a version this reader does not know, or a header that is not the version's
         */
        public CsvReader(Reader in, String source, String format) {
            if (format != null && !FORMATS.contains(format)) {
                throw new CsvFormatException(source + " is predictions format '" + format + "' (object metadata "
                        + ObjectMetadata.PREDICTIONS_FORMAT + "); this step reads " + String.join(", ", FORMATS)
                        + ": deploy the update step that goes with the predict step that wrote it");
            }
            this.in = in instanceof BufferedReader b ? b : new BufferedReader(in, 64 * 1024);
            this.source = source;
            String header = readLine();
            if (header == null) {
                throw new CsvFormatException(source + " is empty: expected the header " + HEADER_LINE);
            }
            if (header.startsWith("\uFEFF")) {
                header = header.substring(1);
            }
            String byHeader = header.equals(HEADER_LINE) ? V2 : header.equals(V1_HEADER_LINE) ? V1 : null;
            // Versions 2 and 3 share their header: only the metadata tells them apart.
            boolean sameColumns =
                    format == null || format.equals(byHeader) || (V3.equals(format) && V2.equals(byHeader));
            if (byHeader == null || !sameColumns) {
                String expected = V1.equals(format) ? V1_HEADER_LINE : HEADER_LINE;
                throw new CsvFormatException(
                        source + " line 1: the header is '" + header + "', expected '" + expected + "'");
            }
            this.format = format == null ? byHeader : format;
        }

        /** The part's version. */
        public String format() {
            return format;
        }

        /** The next row, or null at the end. */
        public Row next() {
            String text = readLine();
            if (text == null) {
                return null;
            }
            int plainFields = V1.equals(format) ? V1_HEADER.size() : V1_HEADER.size() + 1;
            String[] f = new String[plainFields];
            int start = 0;
            for (int i = 0; i < plainFields; i++) {
                int comma = text.indexOf(',', start);
                boolean last = i == plainFields - 1 && V1.equals(format);
                if (last ? comma >= 0 : comma < 0) {
                    throw fail("has " + text.split(",", -1).length + " fields, expected " + columns());
                }
                f[i] = text.substring(start, last ? text.length() : comma);
                start = comma + 1;
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
                p[k] = probability(HEADER.get(3 + k), f[3 + k]);
            }
            checkDistribution(f[2], p);
            double risk = risk(p, 0);
            String reasons = null;
            if (!V1.equals(format)) {
                double written = probability("risk", f[3 + p.length]);
                if (V2.equals(format) && Math.abs(written - risk) > RISK_TOLERANCE) {
                    throw fail("risk " + f[3 + p.length] + " is not 1 - p_perm (" + risk + ")");
                }
                risk = written;
                reasons = reasons(text.substring(start));
            }
            return new Row(personalId, enrollDate, f[2], p, risk, reasons);
        }

        /**
         * The probabilities are one distribution and the label is its most likely class, the first of equals as
         * LightGBM's argmax picks it: a part that breaks either was not written by a model.
         */
        private void checkDistribution(String label, double[] p) {
            double sum = 0.0;
            int mostLikely = 0;
            for (int k = 0; k < p.length; k++) {
                sum += p[k];
                if (p[k] > p[mostLikely]) {
                    mostLikely = k;
                }
            }
            if (Math.abs(sum - 1.0) > SUM_TOLERANCE) {
                throw fail(
                        "the probabilities p_es..p_unknown sum to " + sum + ", not 1 (within " + SUM_TOLERANCE + ")");
            }
            if (!label.equals(CLASSES.get(mostLikely))) {
                throw fail("predicted_exit_destination is '" + label + "' but the most likely class is '"
                        + CLASSES.get(mostLikely) + "' (p = " + p[mostLikely] + ")");
            }
        }

        private double probability(String name, String field) {
            double value;
            try {
                value = Double.parseDouble(field);
            } catch (NumberFormatException e) {
                throw fail(name + " '" + field + "' is not a number");
            }
            if (!(value >= 0.0 && value <= 1.0)) {
                throw fail(name + " " + field + " is not a probability in [0, 1]");
            }
            return value;
        }

        /** The last field: empty (not explained) or a quoted JSON object. */
        private String reasons(String field) {
            if (field.isEmpty()) {
                return null;
            }
            if (field.length() < 2 || field.charAt(0) != '"' || field.charAt(field.length() - 1) != '"') {
                throw fail("reasons must be empty or a JSON object in double quotes, found "
                        + (field.length() > 40 ? field.substring(0, 40) + "..." : field));
            }
            StringBuilder json = new StringBuilder(field.length());
            for (int i = 1; i < field.length() - 1; i++) {
                char ch = field.charAt(i);
                if (ch == '"') {
                    if (i + 1 >= field.length() - 1 || field.charAt(i + 1) != '"') {
                        throw fail("reasons has a lone '\"' at character " + (i + 1) + ": quotes inside are doubled");
                    }
                    i++;
                }
                json.append(ch);
            }
            if (json.length() < 2 || json.charAt(0) != '{' || json.charAt(json.length() - 1) != '}') {
                throw fail("reasons is not a JSON object");
            }
            return json.toString();
        }

        private int columns() {
            return V1.equals(format) ? V1_HEADER.size() : HEADER.size();
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
