package org.hmis.predictions.common.csv;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Objects;
import org.hmis.predictions.common.features.ColumnText;

/**
 * Reads CSV rows of plain fields (as {@link CsvOutput} writes them) from a UTF-8 stream, one row at a time,
 * parsing values straight out of its byte buffer: no String per line or field unless asked for.
 * Fields are split at every comma; quoting is not part of these formats. Lines may end with {@code \n} or
 * {@code \r\n}; a UTF-8 byte order mark before the first line is skipped.
 */
public final class CsvInput implements Closeable {

    private static final int DEFAULT_BUFFER_SIZE = 1 << 16;

    private final InputStream in;
    private byte[] buffer;
    private int limit;
    private int nextLine;
    private boolean endOfStream;
    private long lineNumber;
    private int fieldCount;
    private int[] fieldStarts = new int[64];
    private int[] fieldEnds = new int[64];
    private final BufferText bufferText = new BufferText();

    public CsvInput(InputStream in) {
        this(in, DEFAULT_BUFFER_SIZE);
    }

    CsvInput(InputStream in, int bufferSize) {
        this.in = Objects.requireNonNull(in, "in");
        this.buffer = new byte[bufferSize];
    }

    /**
     * Moves to the next line.
     *
     * @return false at the end of the stream
     */
    public boolean nextRow() throws IOException {
        int newline = indexOfNewline(nextLine);
        while (newline < 0 && !endOfStream) {
            int scanned = limit - nextLine;
            fill();
            newline = indexOfNewline(nextLine + scanned);
        }
        int start = nextLine;
        int end;
        if (newline >= 0) {
            end = newline;
            nextLine = newline + 1;
        } else if (start < limit) {
            end = limit;
            nextLine = limit;
        } else {
            return false;
        }
        if (end > start && buffer[end - 1] == '\r') {
            end--;
        }
        if (lineNumber == 0
                && end - start >= 3
                && buffer[start] == (byte) 0xEF
                && buffer[start + 1] == (byte) 0xBB
                && buffer[start + 2] == (byte) 0xBF) {
            start += 3;
        }
        lineNumber++;
        split(start, end);
        return true;
    }

    /** The 1-based number of the current line. */
    public long lineNumber() {
        return lineNumber;
    }

    /** The number of fields in the current line (an empty line has one, empty). */
    public int fieldCount() {
        return fieldCount;
    }

    public boolean isEmpty(int field) {
        return fieldEnds[check(field)] == fieldStarts[field];
    }

    /** The field's text. */
    public String text(int field) {
        int start = fieldStarts[check(field)];
        return new String(buffer, start, fieldEnds[field] - start, StandardCharsets.UTF_8);
    }

    /**
     * The field as a number; see {@link ColumnText#parseDecimal}.
     *
     * @throws NumberFormatException when it is not a number (also when empty)
     */
    public double decimal(int field) {
        return ColumnText.parseDecimal(bufferText, fieldStarts[check(field)], fieldEnds[field]);
    }

    /**
     * The field as an int.
     *
     * @throws NumberFormatException when it is not an int (also when empty)
     */
    public int integer(int field) {
        return Integer.parseInt(bufferText, fieldStarts[check(field)], fieldEnds[field], 10);
    }

    /** The field as a {@code YYYY-MM-DD} date, or null when it is not one. */
    public LocalDate date(int field) {
        return ColumnText.parseDate(bufferText, fieldStarts[check(field)], fieldEnds[field]);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private int check(int field) {
        Objects.checkIndex(field, fieldCount);
        return field;
    }

    private int indexOfNewline(int from) {
        for (int i = from; i < limit; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Reads more bytes, first moving the unread line to the front of the buffer and growing it if full. */
    private void fill() throws IOException {
        if (nextLine > 0) {
            System.arraycopy(buffer, nextLine, buffer, 0, limit - nextLine);
            limit -= nextLine;
            nextLine = 0;
        }
        if (limit == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int read = in.read(buffer, limit, buffer.length - limit);
        if (read < 0) {
            endOfStream = true;
        } else {
            limit += read;
        }
    }

    private void split(int start, int end) {
        fieldCount = 0;
        int fieldStart = start;
        for (int i = start; i <= end; i++) {
            if (i == end || buffer[i] == ',') {
                if (fieldCount == fieldStarts.length) {
                    fieldStarts = Arrays.copyOf(fieldStarts, fieldCount * 2);
                    fieldEnds = Arrays.copyOf(fieldEnds, fieldCount * 2);
                }
                fieldStarts[fieldCount] = fieldStart;
                fieldEnds[fieldCount] = i;
                fieldCount++;
                fieldStart = i + 1;
            }
        }
    }

    /** The buffer seen as characters, one per byte, for the parsers; numbers and dates are ASCII. */
    private final class BufferText implements CharSequence {
        @Override
        public int length() {
            return limit;
        }

        @Override
        public char charAt(int index) {
            return (char) (buffer[index] & 0xFF);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(buffer, start, end - start, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return new String(buffer, 0, limit, StandardCharsets.ISO_8859_1);
        }
    }
}
