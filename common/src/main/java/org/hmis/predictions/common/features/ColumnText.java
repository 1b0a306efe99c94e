package org.hmis.predictions.common.features;

import java.time.LocalDate;
import java.time.Month;
import java.time.Year;

/**
 * The text form of column values: numbers and dates as PostgreSQL writes them ({@code COPY ... (FORMAT csv)},
 * {@code ResultSet.getString}) and as the pipeline's CSV files carry them. Parses a range of a
 * {@link CharSequence}, so a caller can parse straight out of a line or a buffer.
 */
public final class ColumnText {

    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    };
    private static final long MAX_EXACT_MANTISSA = 1L << 53;
    private static final int SHOWN_LENGTH = 40;

    private ColumnText() {}

    /**
     * Parses a decimal number such as {@code 12}, {@code -3}, {@code 1250.00} or {@code 1.5E7}.
     * The result is exactly what {@link Double#parseDouble} gives; plain decimals with up to 15 significant
     * digits, which is everything PostgreSQL writes for INTEGER and NUMERIC(10,2), take a fast path.
     *
     * @throws NumberFormatException when the text is not a number
     */
    public static double parseDecimal(CharSequence text, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int fractionDigits = 0;
        boolean point = false;
        for (; i < to; i++) {
            char ch = text.charAt(i);
            if (ch >= '0' && ch <= '9') {
                if (++digits > 18) {
                    return parseDecimalSlowly(text, from, to);
                }
                mantissa = mantissa * 10 + (ch - '0');
                if (point) {
                    fractionDigits++;
                }
            } else if (ch == '.' && !point) {
                point = true;
            } else {
                return parseDecimalSlowly(text, from, to);
            }
        }
        if (digits == 0 || mantissa > MAX_EXACT_MANTISSA || fractionDigits >= POWERS_OF_TEN.length) {
            return parseDecimalSlowly(text, from, to);
        }
        // Both operands are exact doubles, so the one rounding of the division gives the correctly rounded value.
        double value = fractionDigits == 0 ? mantissa : mantissa / POWERS_OF_TEN[fractionDigits];
        return negative ? -value : value;
    }

    private static double parseDecimalSlowly(CharSequence text, int from, int to) {
        String value = text.subSequence(from, to).toString();
        if (value.isBlank()) {
            throw new NumberFormatException("blank number");
        }
        return Double.parseDouble(value);
    }

    /**
     * Parses an ISO date {@code YYYY-MM-DD} (PostgreSQL's DATE output).
     *
     * @return the date, or null when the text is not a valid date in that form
     */
    public static LocalDate parseDate(CharSequence text, int from, int to) {
        if (to - from != 10 || text.charAt(from + 4) != '-' || text.charAt(from + 7) != '-') {
            return null;
        }
        int year = digits(text, from, 4);
        int month = digits(text, from + 5, 2);
        int day = digits(text, from + 8, 2);
        if (year < 1
                || month < 1
                || month > 12
                || day < 1
                || day > Month.of(month).length(Year.isLeap(year))) {
            return null;
        }
        return LocalDate.of(year, month, day);
    }

    /** The digits at {@code text[from, from + count)} as a number, or -1 when one is not a digit. */
    private static int digits(CharSequence text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char ch = text.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            value = value * 10 + (ch - '0');
        }
        return value;
    }

    /** A value quoted for an error message, cut short when long so a message stays readable. */
    public static String quoted(CharSequence value) {
        if (value.length() <= SHOWN_LENGTH) {
            return "'" + value + "'";
        }
        return "'" + value.subSequence(0, SHOWN_LENGTH) + "...' (" + value.length() + " characters)";
    }
}
