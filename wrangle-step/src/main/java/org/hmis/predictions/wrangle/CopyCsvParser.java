package org.hmis.predictions.wrangle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.hmis.predictions.common.csv.CsvFormatException;

/**
 * Splits the bytes PostgreSQL sends for {@code COPY ... TO STDOUT (FORMAT csv)} into rows of field text, as they
 * arrive, in whatever pieces they arrive: one row's bytes are kept, never the stream's.
 *
 * <p>The format is RFC 4180 as PostgreSQL writes it: fields separated by commas, rows ended by {@code \n} (or
 * {@code \r\n}), a field holding a comma, quote or line break enclosed in double quotes with inner quotes doubled.
 * An unquoted empty field is SQL NULL and comes out as {@code null}; a quoted empty field ({@code ""}) is the empty
 * string. Field bytes are UTF-8 (the client encoding the driver sets).
 *
 * <p>Not thread-safe; {@link #finish()} checks the stream ended on a row boundary.
 */
final class CopyCsvParser {

    /** Receives each row; the array is reused for the next row, so read it, do not keep it. */
    @FunctionalInterface
    interface RowHandler {
        void row(String[] fields, long rowNumber) throws IOException;
    }

    // Parser states, as ints: the per-byte loops stay tight.
    private static final int FIELD_START = 0;
    private static final int UNQUOTED = 1;
    private static final int QUOTED = 2;
    private static final int QUOTE_IN_QUOTED = 3;
    private static final int CARRIAGE_RETURN = 4;

    private final int width;
    private final RowHandler handler;
    private final String[] fields;
    private final int[] fieldStarts;
    private final int[] fieldEnds;
    private final boolean[] fieldQuoted;
    private byte[] rowBytes = new byte[1024];
    private int rowLength;
    private int fieldCount;
    private int state = FIELD_START;
    private long rowNumber;

    /**
     * @param width   how many fields every row has (the columns selected)
     * @param handler called with each complete row
     */
    CopyCsvParser(int width, RowHandler handler) {
        if (width < 1) {
            throw new IllegalArgumentException("a row has at least one field, width was " + width);
        }
        this.width = width;
        this.handler = handler;
        this.fields = new String[width];
        // One more slot than a row may have, so an overlong row is reported rather than overrun.
        this.fieldStarts = new int[width + 1];
        this.fieldEnds = new int[width + 1];
        this.fieldQuoted = new boolean[width + 1];
    }

    /** Parses the next piece of the stream, passing on every row it completes. */
    void feed(byte[] bytes, int offset, int length) throws IOException {
        int end = offset + length;
        int i = offset;
        while (i < end) {
            switch (state) {
                case FIELD_START -> {
                    fieldStarts[fieldCount] = rowLength;
                    fieldQuoted[fieldCount] = false;
                    if (bytes[i] == '"') {
                        fieldQuoted[fieldCount] = true;
                        state = QUOTED;
                        i++;
                    } else {
                        state = UNQUOTED;
                    }
                }
                case UNQUOTED -> {
                    // Most fields: copy the run up to the next delimiter in one go.
                    int start = i;
                    while (i < end && bytes[i] != ',' && bytes[i] != '\n' && bytes[i] != '\r') {
                        i++;
                    }
                    append(bytes, start, i - start);
                    if (i < end) {
                        delimiter(bytes[i++]);
                    }
                }
                case QUOTED -> {
                    int start = i;
                    while (i < end && bytes[i] != '"') {
                        i++;
                    }
                    append(bytes, start, i - start);
                    if (i < end) {
                        state = QUOTE_IN_QUOTED;
                        i++;
                    }
                }
                case QUOTE_IN_QUOTED -> {
                    byte b = bytes[i++];
                    if (b == '"') {
                        append(bytes, i - 1, 1);
                        state = QUOTED;
                    } else if (b == ',' || b == '\n' || b == '\r') {
                        delimiter(b);
                    } else {
                        throw problem(
                                "'" + (char) (b & 0xFF) + "' after the closing quote of field " + (fieldCount + 1));
                    }
                }
                default -> {
                    if (bytes[i++] != '\n') {
                        throw problem("a carriage return outside quotes that does not end the row");
                    }
                    endRow();
                }
            }
        }
    }

    /** Ends the field at a comma, or the field and the row at a line break. */
    private void delimiter(byte b) throws IOException {
        endField();
        if (b == ',') {
            state = FIELD_START;
        } else if (b == '\n') {
            endRow();
        } else {
            state = CARRIAGE_RETURN;
        }
    }

    /** Checks the stream ended after a complete row. */
    void finish() {
        if (state != FIELD_START || fieldCount != 0) {
            throw problem(
                    state == QUOTED
                            ? "the stream ended inside a quoted field"
                            : "the stream ended in the middle of a row");
        }
    }

    private void append(byte[] bytes, int from, int count) {
        if (rowLength + count > rowBytes.length) {
            rowBytes = Arrays.copyOf(rowBytes, Math.max(rowBytes.length * 2, rowLength + count));
        }
        System.arraycopy(bytes, from, rowBytes, rowLength, count);
        rowLength += count;
    }

    private void endField() {
        if (fieldCount == width) {
            throw problem("more than the " + width + " fields selected");
        }
        fieldEnds[fieldCount++] = rowLength;
    }

    private void endRow() throws IOException {
        if (fieldCount != width) {
            throw problem(fieldCount + " fields, expected the " + width + " selected");
        }
        for (int f = 0; f < width; f++) {
            int start = fieldStarts[f];
            int length = fieldEnds[f] - start;
            fields[f] =
                    length == 0 && !fieldQuoted[f] ? null : new String(rowBytes, start, length, StandardCharsets.UTF_8);
        }
        rowNumber++;
        rowLength = 0;
        fieldCount = 0;
        state = FIELD_START;
        handler.row(fields, rowNumber);
    }

    private CsvFormatException problem(String what) {
        return new CsvFormatException("COPY output row " + (rowNumber + 1) + ": " + what);
    }
}
