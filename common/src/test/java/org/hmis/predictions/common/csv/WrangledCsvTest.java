package org.hmis.predictions.common.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.features.GuestKey;
import org.junit.jupiter.api.Test;

class WrangledCsvTest {

    private static final List<String> FEATURES = List.of("case_members", "earned_income", "is_male");
    private static final String SOURCE = "wrangled/r1/part-00000.csv";
    private static final String HEADER = "personal_id,enroll_date,case_members,earned_income,is_male\n";

    @Test
    void writesTheHeaderAndCompactRows() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (WrangledCsv.RowWriter writer = WrangledCsv.writer(bytes, FEATURES)) {
            writer.write(new GuestKey(123, LocalDate.of(2021, 3, 4)), new double[] {4, 1250.5, 1});
            writer.write(new GuestKey(-7, LocalDate.of(1999, 12, 31)), new double[] {Double.NaN, 0.01, 0});
            assertEquals(2, writer.rowCount());
        }
        assertEquals(
                HEADER + "123,2021-03-04,4,1250.5,1\n-7,1999-12-31,,0.01,0\n", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theHeaderOfTheV1SpecIsKeyThenFeaturesInOrder() {
        List<String> header = WrangledCsv.header(FeatureSpec.V1.featureNames());
        assertEquals(51, header.size());
        assertEquals(List.of("personal_id", "enroll_date", "case_members"), header.subList(0, 3));
        assertEquals("household_has_adults_only", header.get(50));
    }

    @Test
    void rowsRoundTripExactly() throws IOException {
        List<String> names = FeatureSpec.V1.featureNames();
        Random random = new Random(11);
        List<GuestKey> keys = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            keys.add(new GuestKey(random.nextInt(), LocalDate.ofEpochDay(random.nextInt(20_000))));
            double[] values = new double[names.size()];
            for (int f = 0; f < values.length; f++) {
                values[f] = switch (random.nextInt(5)) {
                    case 0 -> Double.NaN;
                    case 1 -> random.nextInt(2);
                    case 2 -> random.nextInt(1_000_000) / 100.0;
                    case 3 -> random.nextGaussian();
                    default -> random.nextInt(70);
                };
            }
            rows.add(values);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (WrangledCsv.RowWriter writer = WrangledCsv.writer(bytes, names)) {
            for (int i = 0; i < rows.size(); i++) {
                writer.write(keys.get(i), rows.get(i));
            }
        }
        try (WrangledCsv.RowReader reader =
                WrangledCsv.reader(new ByteArrayInputStream(bytes.toByteArray()), SOURCE, names)) {
            for (int i = 0; i < rows.size(); i++) {
                assertTrue(reader.next(), "row " + i);
                assertEquals(keys.get(i), reader.key());
                assertArrayEquals(rows.get(i), reader.features(), "row " + i);
                assertEquals(i + 2, reader.lineNumber());
            }
            assertFalse(reader.next());
            assertEquals(rows.size(), reader.rowCount());
        }
    }

    @Test
    void aHeaderOnlyFileHasNoRows() throws IOException {
        try (WrangledCsv.RowReader reader = reader(HEADER)) {
            assertFalse(reader.next());
        }
    }

    @Test
    void headerMismatchesNameTheColumns() {
        assertEquals(
                "wrangled/r1/part-00000.csv line 1: the header does not match the features expected (5 columns): missing: is_male",
                headerProblem("personal_id,enroll_date,case_members,earned_income\n"));
        assertEquals(
                "wrangled/r1/part-00000.csv line 1: the header does not match the features expected (5 columns): unexpected: tanf",
                headerProblem("personal_id,enroll_date,case_members,earned_income,is_male,tanf\n"));
        assertEquals(
                "wrangled/r1/part-00000.csv line 1: the header does not match the features expected (5 columns): "
                        + "misplaced: 'is_male' at position 3, expected at 5",
                headerProblem("personal_id,enroll_date,is_male,case_members,earned_income\n"));
        assertEquals(
                "wrangled/r1/part-00000.csv line 1: the header does not match the features expected (5 columns): "
                        + "missing: personal_id; unexpected: guest_id",
                headerProblem("guest_id,enroll_date,case_members,earned_income,is_male\n"));
        assertEquals(
                "wrangled/r1/part-00000.csv line 1: the header does not match the features expected (5 columns): duplicated: is_male",
                headerProblem("personal_id,enroll_date,case_members,earned_income,is_male,is_male\n"));
        assertEquals("wrangled/r1/part-00000.csv is empty: no header line", headerProblem(""));
    }

    @Test
    void malformedRowsNameTheLineAndColumn() {
        assertEquals(
                "wrangled/r1/part-00000.csv line 3: expected 5 fields (personal_id, enroll_date and 3 features), found 4",
                rowProblem("1,2020-01-01,1,2,3\n2,2020-01-01,1,2\n"));
        assertEquals(
                "wrangled/r1/part-00000.csv line 2, column 4 (earned_income): 'abc' is not a number",
                rowProblem("1,2020-01-01,1,abc,3\n"));
        assertEquals(
                "wrangled/r1/part-00000.csv line 2, column 1 (personal_id): 'x1' is not an integer",
                rowProblem("x1,2020-01-01,1,2,3\n"));
        assertEquals(
                "wrangled/r1/part-00000.csv line 2, column 1 (personal_id): value is missing",
                rowProblem(",2020-01-01,1,2,3\n"));
        assertEquals(
                "wrangled/r1/part-00000.csv line 2, column 2 (enroll_date): '2020-02-30' is not a date (YYYY-MM-DD)",
                rowProblem("1,2020-02-30,1,2,3\n"));
        assertEquals(
                "wrangled/r1/part-00000.csv line 2, column 2 (enroll_date): value is missing",
                rowProblem("1,,1,2,3\n"));
        assertEquals("wrangled/r1/part-00000.csv line 2 is empty", rowProblem("\n1,2020-01-01,1,2,3\n"));
    }

    @Test
    void theWriterRefusesAWrongNumberOfValues() throws IOException {
        try (WrangledCsv.RowWriter writer = WrangledCsv.writer(new ByteArrayOutputStream(), FEATURES)) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> writer.write(new GuestKey(1, LocalDate.of(2020, 1, 1)), new double[2]));
            assertEquals("expected 3 feature values, got 2", e.getMessage());
        }
    }

    private static WrangledCsv.RowReader reader(String text) throws IOException {
        return WrangledCsv.reader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), SOURCE, FEATURES);
    }

    private static String headerProblem(String text) {
        return assertThrows(CsvFormatException.class, () -> reader(text)).getMessage();
    }

    private static String rowProblem(String rows) {
        return assertThrows(CsvFormatException.class, () -> {
                    try (WrangledCsv.RowReader reader = reader(HEADER + rows)) {
                        while (reader.next()) {
                            // Read until the malformed row throws.
                        }
                    }
                })
                .getMessage();
    }
}
