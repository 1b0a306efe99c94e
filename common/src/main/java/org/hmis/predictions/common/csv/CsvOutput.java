package org.hmis.predictions.common.csv;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Objects;
import org.hmis.predictions.common.features.ColumnText;

/**
 * Writes CSV rows of plain fields (names, integers, numbers, dates) as UTF-8 to a stream, buffered, with no
 * per-value formatting objects. Fields are never quoted, so text must not contain commas, quotes or line breaks;
 * the pipeline's files hold only names and numbers. Lines end with {@code \n}.
 */
public final class CsvOutput implements Flushable, Closeable {

    private static final int BUFFER_SIZE = 1 << 16;
    // Room for the longest field written without a length check: Long.MIN_VALUE has 20 characters.
    private static final int NUMBER_ROOM = 32;
    private static final long[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};
    // Below 2^53 every integer is an exact double, so integral values are written as integers under this bound.
    private static final double MAX_EXACT_INTEGER = 9_007_199_254_740_992d;

    private final OutputStream out;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private final byte[] digits = new byte[20];
    private int position;
    private boolean inRow;

    public CsvOutput(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Writes a text field as is.
     *
     * @throws IllegalArgumentException when the text would need quoting
     */
    public void text(String value) throws IOException {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == ',' || ch == '"' || ch == '\n' || ch == '\r') {
                throw new IllegalArgumentException(
                        "CSV field " + ColumnText.quoted(value) + " would need quoting; plain fields only");
            }
        }
        separate();
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > buffer.length - position) {
            flushBuffer();
            if (bytes.length > buffer.length) {
                out.write(bytes);
                return;
            }
        }
        System.arraycopy(bytes, 0, buffer, position, bytes.length);
        position += bytes.length;
    }

    /** Writes an empty field. */
    public void empty() throws IOException {
        separate();
    }

    /** Writes an integer. */
    public void integer(long value) throws IOException {
        separate();
        writeInteger(value);
    }

    /**
     * Writes a number compactly, so that parsing the text gives back exactly the same double: integral values
     * without a fraction ({@code 3}), short decimals as such ({@code 1250.5}), others as {@link Double#toString}.
     * NaN, a missing value, is an empty field.
     */
    public void number(double value) throws IOException {
        separate();
        if (Double.isNaN(value)) {
            return;
        }
        if (value == Math.rint(value) && Math.abs(value) < MAX_EXACT_INTEGER) {
            writeInteger((long) value);
            return;
        }
        for (int decimals = 1; decimals < POWERS_OF_TEN.length; decimals++) {
            double scaled = value * POWERS_OF_TEN[decimals];
            if (!(Math.abs(scaled) < MAX_EXACT_INTEGER)) {
                break;
            }
            long mantissa = Math.round(scaled);
            // Text "mantissa / 10^decimals" parses to the correctly rounded quotient, which is this division.
            if (mantissa / (double) POWERS_OF_TEN[decimals] == value) {
                writeDecimal(mantissa, decimals);
                return;
            }
        }
        writeAscii(Double.toString(value));
    }

    /** Writes a date as {@code YYYY-MM-DD}. */
    public void date(LocalDate date) throws IOException {
        separate();
        int year = date.getYear();
        if (year < 1000 || year > 9999) {
            writeAscii(date.toString());
            return;
        }
        ensureRoom(10);
        position = putDigits(year, 4, position);
        buffer[position++] = '-';
        position = putDigits(date.getMonthValue(), 2, position);
        buffer[position++] = '-';
        position = putDigits(date.getDayOfMonth(), 2, position);
    }

    /** Ends the current row. */
    public void endRow() throws IOException {
        ensureRoom(1);
        buffer[position++] = '\n';
        inRow = false;
    }

    @Override
    public void flush() throws IOException {
        flushBuffer();
        out.flush();
    }

    /** Flushes and closes the stream. */
    @Override
    public void close() throws IOException {
        try (out) {
            flushBuffer();
        }
    }

    private void separate() throws IOException {
        ensureRoom(NUMBER_ROOM);
        if (inRow) {
            buffer[position++] = ',';
        }
        inRow = true;
    }

    private void writeInteger(long value) {
        if (value == Long.MIN_VALUE) {
            writeAsciiInRoom(Long.toString(value));
            return;
        }
        long rest = value;
        if (rest < 0) {
            buffer[position++] = '-';
            rest = -rest;
        }
        int count = 0;
        do {
            digits[count++] = (byte) ('0' + rest % 10);
            rest /= 10;
        } while (rest != 0);
        while (count > 0) {
            buffer[position++] = digits[--count];
        }
    }

    private void writeDecimal(long mantissa, int decimals) {
        if (mantissa < 0) {
            buffer[position++] = '-';
        }
        long magnitude = Math.abs(mantissa);
        long scale = POWERS_OF_TEN[decimals];
        writeInteger(magnitude / scale);
        buffer[position++] = '.';
        long fraction = magnitude % scale;
        for (long unit = scale / 10; unit > 0; unit /= 10) {
            buffer[position++] = (byte) ('0' + fraction / unit % 10);
        }
        // Trailing zeros cannot occur: the fewest decimals that represent the value are tried first.
    }

    private int putDigits(int value, int width, int at) {
        for (int i = width - 1; i >= 0; i--) {
            buffer[at + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }

    // For text known to fit in NUMBER_ROOM (Double.toString, Long.MIN_VALUE, dates): all ASCII.
    private void writeAscii(String text) throws IOException {
        ensureRoom(text.length());
        writeAsciiInRoom(text);
    }

    private void writeAsciiInRoom(String text) {
        for (int i = 0; i < text.length(); i++) {
            buffer[position++] = (byte) text.charAt(i);
        }
    }

    private void ensureRoom(int bytes) throws IOException {
        if (buffer.length - position < bytes) {
            flushBuffer();
        }
    }

    private void flushBuffer() throws IOException {
        if (position > 0) {
            out.write(buffer, 0, position);
            position = 0;
        }
    }
}
