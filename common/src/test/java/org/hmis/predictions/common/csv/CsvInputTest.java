package org.hmis.predictions.common.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class CsvInputTest {

    @Test
    void readsFieldsAndParsesValues() throws IOException {
        CsvInput in = input("a,größe,c\n12,2021-03-04,-1.25\n", 64);
        assertTrue(in.nextRow());
        assertEquals(1, in.lineNumber());
        assertEquals(3, in.fieldCount());
        assertEquals("größe", in.text(1));
        assertTrue(in.nextRow());
        assertEquals(2, in.lineNumber());
        assertEquals(12, in.integer(0));
        assertEquals(LocalDate.of(2021, 3, 4), in.date(1));
        assertEquals(-1.25, in.decimal(2));
        assertNull(in.date(0));
        assertThrows(NumberFormatException.class, () -> in.integer(1));
        assertThrows(IndexOutOfBoundsException.class, () -> in.text(3));
        assertFalse(in.nextRow());
        assertFalse(in.nextRow());
    }

    @Test
    void linesLongerThanTheBufferAndAcrossItsEndAreRead() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            text.append(i)
                    .append(",")
                    .append("x".repeat(i % 37))
                    .append(",")
                    .append(i * 1.5)
                    .append('\n');
        }
        CsvInput in = input(text.toString(), 8);
        for (int i = 0; i < 200; i++) {
            assertTrue(in.nextRow(), "row " + i);
            assertEquals(i, in.integer(0));
            assertEquals("x".repeat(i % 37), in.text(1));
            assertEquals(i * 1.5, in.decimal(2));
        }
        assertFalse(in.nextRow());
    }

    @Test
    void acceptsCrLfAByteOrderMarkAndNoFinalNewline() throws IOException {
        CsvInput in = input("\uFEFFa,b\r\n1,\r\n2,3", 16);
        assertTrue(in.nextRow());
        assertEquals("a", in.text(0));
        assertTrue(in.nextRow());
        assertTrue(in.isEmpty(1));
        assertTrue(in.nextRow());
        assertEquals(3.0, in.decimal(1));
        assertFalse(in.nextRow());
    }

    @Test
    void emptyLinesHaveOneEmptyField() throws IOException {
        CsvInput in = input("\n\n", 16);
        assertTrue(in.nextRow());
        assertEquals(1, in.fieldCount());
        assertTrue(in.isEmpty(0));
        assertTrue(in.nextRow());
        assertEquals(2, in.lineNumber());
        assertFalse(in.nextRow());
    }

    private static CsvInput input(String text, int bufferSize) {
        return new CsvInput(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), bufferSize);
    }
}
