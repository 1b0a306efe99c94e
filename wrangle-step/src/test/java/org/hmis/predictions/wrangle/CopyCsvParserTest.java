package org.hmis.predictions.wrangle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.hmis.predictions.common.csv.CsvFormatException;
import org.junit.jupiter.api.Test;

class CopyCsvParserTest {

    private static List<String[]> parse(int width, byte[] bytes, int... cuts) throws IOException {
        List<String[]> rows = new ArrayList<>();
        List<Long> numbers = new ArrayList<>();
        CopyCsvParser parser = new CopyCsvParser(width, (fields, number) -> {
            rows.add(fields.clone());
            numbers.add(number);
        });
        int from = 0;
        for (int cut : cuts) {
            parser.feed(bytes, from, cut - from);
            from = cut;
        }
        parser.feed(bytes, from, bytes.length - from);
        parser.finish();
        for (int i = 0; i < numbers.size(); i++) {
            assertEquals(i + 1, numbers.get(i), "rows are numbered from 1");
        }
        return rows;
    }

    private static List<String[]> parse(int width, String text, int... cuts) throws IOException {
        return parse(width, text.getBytes(StandardCharsets.UTF_8), cuts);
    }

    @Test
    void splitsPlainFieldsAndRows() throws IOException {
        List<String[]> rows = parse(3, "1,2026-01-05,White\n2,2026-02-01,Asian\n");
        assertEquals(2, rows.size());
        assertArrayEquals(new String[] {"1", "2026-01-05", "White"}, rows.get(0));
        assertArrayEquals(new String[] {"2", "2026-02-01", "Asian"}, rows.get(1));
    }

    @Test
    void anUnquotedEmptyFieldIsNullAQuotedOneIsEmptyText() throws IOException {
        List<String[]> rows = parse(4, ",\"\",,x\n,,,\n");
        assertArrayEquals(new String[] {null, "", null, "x"}, rows.get(0));
        assertArrayEquals(new String[] {null, null, null, null}, rows.get(1));
    }

    @Test
    void quotedFieldsKeepCommasLineBreaksAndDoubledQuotes() throws IOException {
        List<String[]> rows =
                parse(3, "\"Significant Other (Non-Married), or not\",\"say \"\"hi\"\"\",\"two\nlines\"\n");
        assertArrayEquals(
                new String[] {"Significant Other (Non-Married), or not", "say \"hi\"", "two\nlines"}, rows.get(0));
    }

    @Test
    void carriageReturnLineFeedEndsARowAndBelongsToAQuotedField() throws IOException {
        List<String[]> rows = parse(2, "a,b\r\n\"c\r\nd\",e\r\n");
        assertArrayEquals(new String[] {"a", "b"}, rows.get(0));
        assertArrayEquals(new String[] {"c\r\nd", "e"}, rows.get(1));
    }

    @Test
    void decodesUtf8EvenWhenACharacterIsSplitBetweenPieces() throws IOException {
        byte[] bytes = "Zoë,\"Müller, Ana\"\n".getBytes(StandardCharsets.UTF_8);
        // 'ë' is two bytes, at 2 and 3: cut between them.
        List<String[]> rows = parse(2, bytes, 3);
        assertArrayEquals(new String[] {"Zoë", "Müller, Ana"}, rows.get(0));
    }

    @Test
    void everyWayOfCuttingTheStreamGivesTheSameRows() throws IOException {
        String text = "1,\"a,\"\"b\"\"\",,\"\"\r\n22,plain,\"x\ny\",z\n333,,\"\",\"\"\"\"\n";
        List<String[]> whole = parse(4, text);
        assertEquals(3, whole.size());
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < bytes.length; cut++) {
            assertRowsEqual(whole, parse(4, bytes, cut));
        }
        int[] everyByte = new int[bytes.length - 1];
        Arrays.setAll(everyByte, i -> i + 1);
        assertRowsEqual(whole, parse(4, bytes, everyByte));
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int[] cuts = random.ints(5, 1, bytes.length).sorted().distinct().toArray();
            assertRowsEqual(whole, parse(4, bytes, cuts));
        }
    }

    @Test
    void aRowWithTooFewOrTooManyFieldsIsNamed() {
        CsvFormatException few = assertThrows(CsvFormatException.class, () -> parse(3, "1,2,3\n4,5\n"));
        assertEquals("COPY output row 2: 2 fields, expected the 3 selected", few.getMessage());
        CsvFormatException many = assertThrows(CsvFormatException.class, () -> parse(3, "1,2,3,4\n"));
        assertEquals("COPY output row 1: more than the 3 fields selected", many.getMessage());
    }

    @Test
    void textAfterAClosingQuoteIsAnError() {
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> parse(2, "\"a\"b,c\n"));
        assertEquals("COPY output row 1: 'b' after the closing quote of field 1", e.getMessage());
    }

    @Test
    void aStreamThatEndsInsideARowIsAnError() {
        CsvFormatException quoted = assertThrows(CsvFormatException.class, () -> parse(2, "1,2\n3,\"open"));
        assertEquals("COPY output row 2: the stream ended inside a quoted field", quoted.getMessage());
        CsvFormatException unfinished = assertThrows(CsvFormatException.class, () -> parse(2, "1,2\n3,4"));
        assertTrue(unfinished.getMessage().contains("ended in the middle of a row"), unfinished.getMessage());
    }

    @Test
    void aLoneCarriageReturnIsAnError() {
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> parse(2, "1,2\rx\n"));
        assertEquals("COPY output row 1: a carriage return outside quotes that does not end the row", e.getMessage());
    }

    @Test
    void aLongRowGrowsTheBuffer() throws IOException {
        String longValue = "v".repeat(10_000);
        List<String[]> rows = parse(2, longValue + ",\"" + longValue + "\"\n");
        assertEquals(longValue, rows.get(0)[0]);
        assertEquals(longValue, rows.get(0)[1]);
    }

    private static void assertRowsEqual(List<String[]> expected, List<String[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "row " + (i + 1));
        }
    }
}
