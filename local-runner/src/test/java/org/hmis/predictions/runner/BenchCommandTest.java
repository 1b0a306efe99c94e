package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * bench on 2,000 guests against TEST_JDBC_URL's server (embedded PostgreSQL without it): a sane JSON line per step,
 * one for the whole refresh and one cold start per function (the function jars are built before this module's tests).
 */
class BenchCommandTest {
    @Test
    void printsOneLinePerStepThenThePipeline() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("--guests", "2000", "--seed", "5", "--repository", ".."));
        String jdbcUrl = System.getenv("TEST_JDBC_URL");
        if (jdbcUrl != null) {
            args.addAll(List.of("--jdbc-url", jdbcUrl));
        }
        int exit = new CommandLine(new BenchCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8)))
                .execute(args.toArray(String[]::new));
        assertEquals(0, exit);

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(9, lines.size(), "one line per step, one for the pipeline, four cold starts: " + lines);
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> figures = new ArrayList<>();
        for (String line : lines) {
            figures.add(mapper.readTree(line));
        }
        assertEquals(
                List.of(
                        "remove",
                        "wrangle",
                        "predict",
                        "update",
                        "pipeline",
                        "coldstart",
                        "coldstart",
                        "coldstart",
                        "coldstart"),
                figures.stream().map(f -> f.get("step").asText()).toList());

        long current = figures.get(1).get("rows").asLong();
        assertTrue(current > 100 && current < 400, "about 10% of 2,000 guests are current: " + current);
        assertEquals(2000 - current, figures.get(0).get("rows").asLong(), "remove marks every guest who has left");
        for (JsonNode f : figures.subList(1, 5)) {
            assertEquals(current, f.get("rows").asLong(), f.toString());
        }
        for (JsonNode f : figures.subList(0, 5)) {
            assertTrue(f.get("seconds").asDouble() > 0, f.toString());
            assertTrue(f.get("rows_per_s").asDouble() > 0, f.toString());
            assertTrue(f.get("peak_heap_mb").asDouble() > 0, f.toString());
        }
        List<String> references = List.of("update-where-exited", "copy-out", "lightgbm-batch", "copy+update-from");
        for (int i = 0; i < 4; i++) {
            JsonNode f = figures.get(i);
            assertEquals(references.get(i), f.get("reference").asText());
            assertTrue(f.get("reference_rows_per_s").asDouble() > 0, f.toString());
            assertTrue(f.get("ratio").asDouble() > 0, f.toString());
        }
        assertTrue(figures.get(3).get("rowwise_rows_per_s").asDouble() > 0);
        JsonNode pipeline = figures.get(4);
        assertTrue(pipeline.get("reference").isNull());
        assertEquals(
                2000 - current, pipeline.get("exited_marked").asLong(), "the refresh starts from the loaded table");
        assertEquals(current, pipeline.get("updated").asLong(), "the refresh predicts for every current guest");
        List<JsonNode> coldStarts = figures.subList(5, 9);
        assertEquals(
                List.of("remove-exited-predictions", "wrangle-step", "predict-step", "update-db-step"),
                coldStarts.stream().map(f -> f.get("function").asText()).toList());
        for (JsonNode f : coldStarts) {
            assertTrue(f.get("init_ms").asLong() > 0 && f.get("first_invoke_ms").asLong() > 0, f.toString());
            assertTrue(f.get("jar_mb").asDouble() > 1, f.toString());
            assertEquals("bare-jvm", f.get("reference").asText());
            assertTrue(f.get("reference_ms").asLong() < f.get("total_ms").asLong(), f.toString());
        }
    }
}
