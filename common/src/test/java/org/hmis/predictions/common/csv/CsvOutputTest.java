package org.hmis.predictions.common.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CsvOutputTest {

    @Test
    void numbersAreWrittenCompactly() throws IOException {
        assertEquals("3", written(3.0));
        assertEquals("0", written(0.0));
        assertEquals("0", written(-0.0));
        assertEquals("-42", written(-42.0));
        assertEquals("", written(Double.NaN));
        assertEquals("1250.5", written(1250.5));
        assertEquals("783.1", written(783.1));
        assertEquals("0.01", written(0.01));
        assertEquals("-0.05", written(-0.05));
        assertEquals("12.34", written(12.34));
        assertEquals("100000000000", written(1e11));
        assertEquals("0.1234567", written(0.1234567));
        assertEquals("0.30000000000000004", written(0.1 + 0.2));
        assertEquals("1.0E20", written(1e20));
        assertEquals("Infinity", written(Double.POSITIVE_INFINITY));
    }

    @Test
    void everyWrittenNumberReadsBackAsTheSameDouble() throws IOException {
        Random random = new Random(7);
        double[] values = new double[100_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (i % 4) {
                case 0 -> random.nextInt(100_000) / 100.0;
                case 1 -> random.nextGaussian() * 1e6;
                case 2 -> Math.scalb(random.nextDouble() - 0.5, random.nextInt(2000) - 1000);
                default -> -random.nextInt(1000);
            };
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CsvOutput out = new CsvOutput(bytes)) {
            for (double value : values) {
                out.number(value);
                out.endRow();
            }
        }
        CsvInput in = new CsvInput(new ByteArrayInputStream(bytes.toByteArray()));
        for (double value : values) {
            assertTrue(in.nextRow());
            assertEquals(value, in.decimal(0), in.text(0));
        }
        assertFalse(in.nextRow());
    }

    @Test
    void rowsAreCommaSeparatedLines() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CsvOutput out = new CsvOutput(bytes)) {
            out.text("personal_id");
            out.text("größe");
            out.endRow();
            out.integer(Long.MIN_VALUE);
            out.date(LocalDate.of(2021, 3, 4));
            out.empty();
            out.number(1.5);
            out.endRow();
        }
        assertEquals(
                "personal_id,größe\n-9223372036854775808,2021-03-04,,1.5\n", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void manyRowsSpanningTheBufferArriveWhole() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder();
        try (CsvOutput out = new CsvOutput(bytes)) {
            for (int i = 0; i < 50_000; i++) {
                out.integer(i);
                out.number(i / 4.0);
                out.endRow();
                expected.append(i)
                        .append(',')
                        .append(i % 4 == 0 ? Integer.toString(i / 4) : Double.toString(i / 4.0))
                        .append('\n');
            }
        }
        assertEquals(expected.toString(), bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void textThatWouldNeedQuotingIsRefused() {
        CsvOutput out = new CsvOutput(new ByteArrayOutputStream());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> out.text("a,b"));
        assertEquals("CSV field 'a,b' would need quoting; plain fields only", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> out.text("say \"hi\""));
        assertThrows(IllegalArgumentException.class, () -> out.text("two\nlines"));
    }

    private static String written(double value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CsvOutput out = new CsvOutput(bytes)) {
            out.number(value);
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }
}
