package org.hmis.predictions.update;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import org.hmis.predictions.common.csv.CsvFormatException;
import org.hmis.predictions.common.csv.PredictionsCsv;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Streams a predictions part into a table through PostgreSQL {@code COPY}: every line is checked by
 * {@link PredictionsCsv.CsvReader} (header, labels, probabilities, risk, reasons, keys) and for a repeated key, then
 * the key, the class, the five probabilities, the risk and the reasons are sent, in COPY's text format, in chunks of
 * {@value #CHUNK_CHARS} characters. The
 * part is never held in memory; a bad line cancels the COPY and the error names the line and the problem.
 */
final class PredictionsCopy {
    static final int CHUNK_CHARS = 64 * 1024;

    private PredictionsCopy() {}

    /**
     * Copies every row of {@code reader} into {@code table (personal_id, enroll_date, cls, p_es, p_other, p_perm,
     * p_temp, p_unknown, risk, reasons)} and returns the row count; {@code table} is SQL text the caller built from a fixed name.
     */
    static long copy(CopyManager copyManager, String table, PredictionsCsv.CsvReader reader, String source)
            throws SQLException {
        CopyIn copy = copyManager.copyIn("COPY " + table
                + " (personal_id, enroll_date, cls, p_es, p_other, p_perm, p_temp, p_unknown, risk, reasons)"
                + " FROM STDIN (FORMAT text)");
        try {
            GuestKeySet seen = new GuestKeySet();
            StringBuilder chunk = new StringBuilder(CHUNK_CHARS + 64);
            long rows = 0;
            for (PredictionsCsv.Row row = reader.next(); row != null; row = reader.next()) {
                LocalDate date = row.enrollDate();
                if (date.getYear() < 1 || date.getYear() > 9999) {
                    throw new CsvFormatException(source + " line " + reader.lineNumber() + ": enroll_date " + date
                            + " is outside the years 1 to 9999");
                }
                int firstLine = seen.add(row.personalId(), date, reader.lineNumber());
                if (firstLine != 0) {
                    throw new CsvFormatException(source + " line " + reader.lineNumber()
                            + ": the key (personal_id, enroll_date) repeats line " + firstLine);
                }
                chunk.append(row.personalId())
                        .append('\t')
                        .append(date)
                        .append('\t')
                        .append(row.predicted());
                for (double p : row.probabilities()) {
                    chunk.append('\t').append(p);
                }
                chunk.append('\t').append(row.risk()).append('\t');
                appendText(chunk, row.reasons());
                chunk.append('\n');
                rows++;
                if (chunk.length() >= CHUNK_CHARS) {
                    send(copy, chunk);
                }
            }
            send(copy, chunk);
            copy.endCopy();
            return rows;
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /** A text field in COPY's text format: NULL as {@code \N}, a backslash, tab or line break escaped. */
    private static void appendText(StringBuilder chunk, String text) {
        if (text == null) {
            chunk.append("\\N");
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '\\' -> chunk.append("\\\\");
                case '\t' -> chunk.append("\\t");
                case '\n' -> chunk.append("\\n");
                case '\r' -> chunk.append("\\r");
                default -> chunk.append(ch);
            }
        }
    }

    private static void send(CopyIn copy, StringBuilder chunk) throws SQLException {
        if (chunk.length() > 0) {
            // The driver's client encoding is always UTF-8; a catalog text may be in any language.
            byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            chunk.setLength(0);
        }
    }
}
