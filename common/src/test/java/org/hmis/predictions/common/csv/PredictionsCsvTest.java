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
    private static final String REASONS = "{\"log_odds\":-0.6,\"expected\":-0.1,\"raises\":[],\"lowers\":[{\"fact\":"
            + "\"income\",\"features\":[\"tanf\"],\"contribution\":-0.5,\"text\":\"no \\\"TANF\\\", ñ\"}],\"rest\":0.0}";

    @Test
    void rowsRoundTripWithFullPrecisionAndReasons() {
        StringWriter out = new StringWriter();
        PredictionsCsv.CsvWriter writer = new PredictionsCsv.CsvWriter(out);
        double[] probs = {0.1, 0.2, 0.30000000000000004, 0.15, 0.25, /* second row */ 0, 0, 1, 0, 0};
        writer.write(42, "2026-01-05", 2, probs, 0, REASONS);
        writer.write(7, "2025-12-31", 2, probs, 5, null);
        assertEquals(2, writer.rows());
        assertEquals("""
                personal_id,enroll_date,predicted_exit_destination,p_es,p_other,p_perm,p_temp,p_unknown,risk,reasons
                42,2026-01-05,perm,0.1,0.2,0.30000000000000004,0.15,0.25,0.7,\
                "{""log_odds"":-0.6,""expected"":-0.1,""raises"":[],""lowers"":[{""fact"":""income"",\
                ""features"":[""tanf""],""contribution"":-0.5,""text"":""no \\""TANF\\"", ñ""}],""rest"":0.0}"
                7,2025-12-31,perm,0.0,0.0,1.0,0.0,0.0,0.0,
                """, out.toString());

        try (PredictionsCsv.CsvReader reader =
                new PredictionsCsv.CsvReader(new StringReader(out.toString()), "p.csv")) {
            assertEquals(PredictionsCsv.V2, reader.format());
            PredictionsCsv.Row first = reader.next();
            assertEquals(42, first.personalId());
            assertEquals(LocalDate.of(2026, 1, 5), first.enrollDate());
            assertEquals("perm", first.predicted());
            assertArrayEquals(new double[] {0.1, 0.2, 0.30000000000000004, 0.15, 0.25}, first.probabilities());
            assertEquals(0.7, first.risk());
            assertEquals(REASONS, first.reasons());
            assertEquals(2, reader.lineNumber());
            PredictionsCsv.Row second = reader.next();
            assertEquals(0.0, second.risk());
            assertNull(second.reasons());
            assertNull(reader.next());
        }
    }

    @Test
    void aFirstVersionPartIsReadWithRiskFromItsProbabilities() {
        String v1 = PredictionsCsv.V1_HEADER_LINE + "\n1,2026-01-01,es,0.5,0.1,0.25,0.1,0.05\n";
        for (String format : new String[] {null, PredictionsCsv.V1}) {
            try (PredictionsCsv.CsvReader reader =
                    new PredictionsCsv.CsvReader(new StringReader(v1), "p.csv", format)) {
                assertEquals(PredictionsCsv.V1, reader.format());
                PredictionsCsv.Row row = reader.next();
                assertEquals(0.75, row.risk());
                assertNull(row.reasons());
            }
        }
    }

    @Test
    void aThirdVersionPartCarriesTheRiskModelsRiskWhichIsAProbability() {
        StringWriter out = new StringWriter();
        PredictionsCsv.CsvWriter writer = new PredictionsCsv.CsvWriter(out);
        double[] probs = {0.1, 0.2, 0.3, 0.15, 0.25};
        writer.write(42, "2026-01-05", 2, probs, 0, 0.6224593312018546, REASONS);
        String part = out.toString();
        assertEquals(
                PredictionsCsv.HEADER_LINE + "\n42,2026-01-05,perm,0.1,0.2,0.3,0.15,0.25,0.6224593312018546,",
                part.substring(0, part.indexOf('"')));
        assertThrows(IllegalArgumentException.class, () -> writer.write(1, "2026-01-05", 2, probs, 0, 1.5, null));
        try (PredictionsCsv.CsvReader reader =
                new PredictionsCsv.CsvReader(new StringReader(part), "p.csv", PredictionsCsv.V3)) {
            assertEquals(PredictionsCsv.V3, reader.format());
            PredictionsCsv.Row row = reader.next();
            assertEquals(0.6224593312018546, row.risk(), "the risk as written, not 1 - p_perm");
            assertEquals(REASONS, row.reasons());
        }
        assertThrows(
                CsvFormatException.class,
                () -> {
                    try (PredictionsCsv.CsvReader reader =
                            new PredictionsCsv.CsvReader(new StringReader(part), "p.csv", PredictionsCsv.V2)) {
                        reader.next();
                    }
                },
                "a second version part's risk is still 1 - p_perm");
        String outOfRange = PredictionsCsv.HEADER_LINE + "\n1,2026-01-01,es,1,0,0,0,0,1.5,\n";
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> {
            try (PredictionsCsv.CsvReader reader =
                    new PredictionsCsv.CsvReader(new StringReader(outOfRange), "p.csv", PredictionsCsv.V3)) {
                reader.next();
            }
        });
        assertEquals("p.csv line 2: risk 1.5 is not a probability in [0, 1]", e.getMessage());
    }

    @Test
    void aVersionThisReaderDoesNotKnowIsRefusedByName() {
        CsvFormatException e = assertThrows(
                CsvFormatException.class,
                () -> new PredictionsCsv.CsvReader(new StringReader(PredictionsCsv.HEADER_LINE + "\n"), "p.csv", "v4"));
        assertEquals(
                "p.csv is predictions format 'v4' (object metadata predictions-format); this step reads v1, v2, v3:"
                        + " deploy the update step that goes with the predict step that wrote it",
                e.getMessage());
        CsvFormatException mismatch = assertThrows(
                CsvFormatException.class,
                () -> new PredictionsCsv.CsvReader(
                        new StringReader(PredictionsCsv.V1_HEADER_LINE + "\n"), "p.csv", PredictionsCsv.V2));
        assertEquals(
                "p.csv line 1: the header is '" + PredictionsCsv.V1_HEADER_LINE + "', expected '"
                        + PredictionsCsv.HEADER_LINE + "'",
                mismatch.getMessage());
    }

    @Test
    void everyProblemNamesTheLine() {
        String header = PredictionsCsv.HEADER_LINE + "\n";
        String v1 = PredictionsCsv.V1_HEADER_LINE + "\n";
        assertProblem("", "p.csv is empty");
        assertProblem(
                "personal_id,enroll_date,prediction\n",
                "p.csv line 1: the header is 'personal_id,enroll_date,prediction'");
        assertProblem(v1 + "1,2026-01-01,es,1,0,0,0\n", "p.csv line 2: has 7 fields, expected 8");
        assertProblem(v1 + "1,2026-01-01,es,1,0,0,0,0,1\n", "p.csv line 2: has 9 fields, expected 8");
        assertProblem(header + "1,2026-01-01,es,1,0,0,0,0\n", "p.csv line 2: has 8 fields, expected 10");
        assertProblem(
                header + "1,2026-01-01,es,1,0,0,0,0,1,\nx,2026-01-01,es,1,0,0,0,0,1,\n",
                "p.csv line 3: personal_id 'x' is not an integer");
        assertProblem(
                header + "1,2026-13-01,es,1,0,0,0,0,1,\n", "p.csv line 2: enroll_date '2026-13-01' is not a date");
        assertProblem(
                header + "1,2026-01-01,exited,1,0,0,0,0,1,\n",
                "p.csv line 2: predicted_exit_destination 'exited' is not one of");
        assertProblem(
                header + "1,2026-01-01,es,1.5,0,0,0,0,1,\n", "p.csv line 2: p_es 1.5 is not a probability in [0, 1]");
        assertProblem(header + "1,2026-01-01,es,NaN,0,0,0,0,1,\n", "p.csv line 2: p_es NaN is not a probability");
        assertProblem(header + "1,2026-01-01,es,1,0,abc,0,0,1,\n", "p.csv line 2: p_perm 'abc' is not a number");
        assertProblem(header + "1,2026-01-01,es,1,0,0,0,0,0.5,\n", "p.csv line 2: risk 0.5 is not 1 - p_perm (1.0)");
        assertProblem(
                header + "1,2026-01-01,es,1,0,0,0,0,1,{\"down\":[]}\n",
                "p.csv line 2: reasons must be empty or a JSON object in double quotes");
        assertProblem(
                header + "1,2026-01-01,es,1,0,0,0,0,1,\"{\"down\":[]}\"\n",
                "p.csv line 2: reasons has a lone '\"' at character 3");
        assertProblem(header + "1,2026-01-01,es,1,0,0,0,0,1,\"[1,2]\"\n", "p.csv line 2: reasons is not a JSON object");
    }

    @Test
    void aRowThatNoModelWroteIsRefused() {
        String header = PredictionsCsv.HEADER_LINE + "\n";
        assertProblem(
                header + "1,2026-01-01,es,0.5,0.5,0.5,0.5,0.5,0.5,\n",
                "p.csv line 2: the probabilities p_es..p_unknown sum to 2.5, not 1");
        assertProblem(
                header + "1,2026-01-01,unknown,0.4,0.3,0.2,0.1,0,0.8,\n",
                "p.csv line 2: predicted_exit_destination is 'unknown' but the most likely class is 'es'");
        // Two classes equally likely: LightGBM's argmax takes the first, so the second is not a model's label.
        assertProblem(
                header + "1,2026-01-01,other,0.4,0.4,0.2,0,0,0.8,\n",
                "p.csv line 2: predicted_exit_destination is 'other' but the most likely class is 'es'");
        String tie = header + "1,2026-01-01,es,0.4,0.4,0.2,0,0,0.8,\n";
        try (PredictionsCsv.CsvReader reader = new PredictionsCsv.CsvReader(new StringReader(tie), "p.csv")) {
            assertEquals("es", reader.next().predicted());
        }
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
