package org.hmis.predictions.common.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ColumnTextTest {

    @Test
    void decimalsParseExactlyAsDoubleParseDouble() {
        for (String text : List.of(
                "0",
                "-0",
                "7",
                "+7",
                "-12",
                "1250.00",
                "0.10",
                "0.01",
                "783.10",
                "99999999.99",
                "-5.25",
                ".5",
                "5.",
                "9007199254740993",
                "123456789012345678901",
                "1.5E7",
                "1e-3",
                "NaN",
                "Infinity",
                "0.30000000000000004",
                "12345678.12345678")) {
            assertEquals(Double.parseDouble(text), parse(text), text);
        }
    }

    @Test
    void randomDecimalsParseExactlyAsDoubleParseDouble() {
        // The fast path divides exact integers by exact powers of ten; check it against the JDK on many values.
        Random random = new Random(20261123);
        for (int i = 0; i < 200_000; i++) {
            long unscaled = random.nextLong() % (1L << (1 + random.nextInt(53)));
            int scale = random.nextInt(12);
            String text = BigDecimal.valueOf(unscaled, scale).toPlainString();
            assertEquals(Double.parseDouble(text), parse(text), text);
        }
    }

    @Test
    void nonNumbersAreRefused() {
        for (String text : List.of("", " ", "-", ".", "1.2.3", "12,5", "abc", "1-2", "--1")) {
            assertThrows(NumberFormatException.class, () -> parse(text), text);
        }
    }

    @Test
    void decimalsParseFromARangeOfALongerText() {
        assertEquals(12.5, ColumnText.parseDecimal("x,12.5,y", 2, 6));
    }

    @Test
    void datesParseOnlyAsValidIsoDates() {
        assertEquals(LocalDate.of(2024, 2, 29), ColumnText.parseDate("2024-02-29", 0, 10));
        assertEquals(LocalDate.of(1999, 12, 31), ColumnText.parseDate("a,1999-12-31", 2, 12));
        for (String text : List.of(
                "2023-02-29",
                "2023-04-31",
                "2023-00-10",
                "2023-13-10",
                "2023-01-00",
                "0000-01-01",
                "2023/01/01",
                "2023-1-01",
                "20230101",
                "2023-01-01T00",
                "abcd-ef-gh",
                "")) {
            assertNull(ColumnText.parseDate(text, 0, text.length()), text);
        }
    }

    @Test
    void longValuesAreCutShortInMessages() {
        assertEquals("'abc'", ColumnText.quoted("abc"));
        assertEquals("'" + "x".repeat(40) + "...' (41 characters)", ColumnText.quoted("x".repeat(41)));
    }

    private static double parse(String text) {
        return ColumnText.parseDecimal(text, 0, text.length());
    }
}
