package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        assertEquals(12, lines.size(), "a line per measurement and four cold starts: " + lines);
        ObjectMapper mapper = new ObjectMapper();
        Map<String, JsonNode> figures = new LinkedHashMap<>();
        List<JsonNode> coldStarts = new ArrayList<>();
        for (String line : lines) {
            JsonNode figure = mapper.readTree(line);
            if (figure.get("step").asText().equals("coldstart")) {
                coldStarts.add(figure);
            } else {
                figures.put(figure.get("step").asText(), figure);
            }
        }
        assertEquals(
                List.of("remove", "wrangle", "predict", "predict_explained", "engine", "explain", "update", "pipeline"),
                List.copyOf(figures.keySet()));

        long current = figures.get("wrangle").get("rows").asLong();
        assertTrue(current > 100 && current < 400, "about 10% of 2,000 guests are current: " + current);
        assertEquals(
                2000 - current, figures.get("remove").get("rows").asLong(), "remove marks every guest who has left");
        for (String step : List.of("predict", "predict_explained", "engine", "explain", "update")) {
            assertEquals(
                    current,
                    figures.get(step).get("rows").asLong(),
                    figures.get(step).toString());
        }
        for (JsonNode f : figures.values()) {
            assertTrue(f.get("seconds").asDouble() > 0, f.toString());
            assertTrue(f.get("rows_per_s").asDouble() > 0, f.toString());
        }
        Map<String, String> references = Map.of(
                "remove", "update-where-exited",
                "wrangle", "copy-out",
                "predict", "lightgbm-batch",
                "predict_explained", "lightgbm-batch+contrib",
                "engine", "lightgbm-batch",
                "explain", "lightgbm-contrib",
                "update", "copy+update-from");
        references.forEach((step, reference) -> {
            JsonNode f = figures.get(step);
            assertEquals(reference, f.get("reference").asText());
            assertTrue(f.get("reference_rows_per_s").asDouble() > 0, f.toString());
            assertTrue(f.get("ratio").asDouble() > 0, f.toString());
        });
        for (String step : List.of("remove", "wrangle", "predict", "predict_explained", "update", "pipeline")) {
            assertTrue(
                    figures.get(step).get("peak_heap_mb").asDouble() > 0,
                    figures.get(step).toString());
        }
        assertEquals("perm", figures.get("explain").get("classes").asText());
        assertEquals("false", figures.get("predict").get("explained").asText());
        assertEquals("true", figures.get("predict_explained").get("explained").asText());
        assertTrue(figures.get("explain").get("all_classes_rows_per_s").asDouble() > 0);
        assertTrue(figures.get("update").get("rowwise_rows_per_s").asDouble() > 0);
        JsonNode pipeline = figures.get("pipeline");
        assertTrue(pipeline.get("reference").isNull());
        assertEquals(
                2000 - current, pipeline.get("exited_marked").asLong(), "the refresh starts from the loaded table");
        assertEquals(current, pipeline.get("updated").asLong(), "the refresh predicts for every current guest");
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
