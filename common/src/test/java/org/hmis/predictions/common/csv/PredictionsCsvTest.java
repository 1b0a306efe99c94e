package org.hmis.predictions.common.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringReader;
import java.io.StringWriter;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class PredictionsCsvTest {

    @Test
    void rowsRoundTripWithFullPrecision() {
        StringWriter out = new StringWriter();
        PredictionsCsv.CsvWriter writer = new PredictionsCsv.CsvWriter(out);
        double[] probs = {0.1, 0.2, 0.30000000000000004, 0.15, 0.25, /* second row */ 0, 0, 1, 0, 0};
        writer.write(42, "2026-01-05", 2, probs, 0);
        writer.write(7, "2025-12-31", 2, probs, 5);
        assertEquals(2, writer.rows());
        assertEquals("""
                personal_id,enroll_date,predicted_exit_destination,p_es,p_other,p_perm,p_temp,p_unknown
                42,2026-01-05,perm,0.1,0.2,0.30000000000000004,0.15,0.25
                7,2025-12-31,perm,0.0,0.0,1.0,0.0,0.0
                """, out.toString());

        try (PredictionsCsv.CsvReader reader =
                new PredictionsCsv.CsvReader(new StringReader(out.toString()), "p.csv")) {
            PredictionsCsv.Row first = reader.next();
            assertEquals(42, first.personalId());
            assertEquals(LocalDate.of(2026, 1, 5), first.enrollDate());
            assertEquals("perm", first.predicted());
            assertArrayEquals(new double[] {0.1, 0.2, 0.30000000000000004, 0.15, 0.25}, first.probabilities());
            assertEquals(2, reader.lineNumber());
            reader.next();
            assertNull(reader.next());
        }
    }

    @Test
    void everyProblemNamesTheLine() {
        String header = PredictionsCsv.HEADER_LINE + "\n";
        assertProblem("", "p.csv is empty");
        assertProblem(
                "personal_id,enroll_date,prediction\n",
                "p.csv line 1: the header is 'personal_id,enroll_date,prediction'");
        assertProblem(header + "1,2026-01-01,es,1,0,0,0\n", "p.csv line 2: has 7 fields, expected 8");
        assertProblem(
                header + "1,2026-01-01,es,1,0,0,0,0\nx,2026-01-01,es,1,0,0,0,0\n",
                "p.csv line 3: personal_id 'x' is not an integer");
        assertProblem(header + "1,2026-13-01,es,1,0,0,0,0\n", "p.csv line 2: enroll_date '2026-13-01' is not a date");
        assertProblem(
                header + "1,2026-01-01,exited,1,0,0,0,0\n",
                "p.csv line 2: predicted_exit_destination 'exited' is not one of");
        assertProblem(
                header + "1,2026-01-01,es,1.5,0,0,0,0\n", "p.csv line 2: p_es 1.5 is not a probability in [0, 1]");
        assertProblem(header + "1,2026-01-01,es,NaN,0,0,0,0\n", "p.csv line 2: p_es NaN is not a probability");
        assertProblem(header + "1,2026-01-01,es,1,0,abc,0,0\n", "p.csv line 2: p_perm 'abc' is not a number");
    }

    private static void assertProblem(String content, String expectedStart) {
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> {
            try (PredictionsCsv.CsvReader reader = new PredictionsCsv.CsvReader(new StringReader(content), "p.csv")) {
                while (reader.next() != null) {
                    // read to the end
                }
            }
        });
        assertEquals(true, e.getMessage().startsWith(expectedStart), e.getMessage());
    }
}
