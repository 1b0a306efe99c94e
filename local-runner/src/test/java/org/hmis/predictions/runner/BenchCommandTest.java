package org.hmis.predictions.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * bench on 2,000 guests against TEST_JDBC_URL's server (embedded PostgreSQL without it): a sane JSON line per step,
 * one for the whole refresh and one cold start per function (the function jars are built before this module's tests);
 * the page of --markdown holds the same lines, a table per kind, with the machine and the command that made it.
 */
class BenchCommandTest {
    @Test
    void printsOneLinePerStepThenThePipeline(@TempDir Path directory) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Path page = directory.resolve("docs/benchmarks.md");
        List<String> args = new ArrayList<>(
                List.of("--guests", "2000", "--seed", "5", "--repository", "..", "--markdown", page.toString()));
        String jdbcUrl = System.getenv("TEST_JDBC_URL");
        if (jdbcUrl != null) {
            args.addAll(List.of("--jdbc-url", jdbcUrl));
        }
        int exit = new CommandLine(new BenchCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8)))
                .execute(args.toArray(String[]::new));
        assertEquals(0, exit);

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(15, lines.size(), "a line per measurement and four cold starts: " + lines);
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
                List.of(
                        "remove",
                        "wrangle",
                        "predict",
                        "predict_explained",
                        "engine",
                        "explain",
                        "update",
                        "drift",
                        "pipeline",
                        "steady",
                        "import"),
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
        assertEquals(2000, figures.get("import").get("rows").asLong(), "the import counts every enrollment");
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
                "update", "copy+update-from",
                "import", "copy-csv-files");
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
        JsonNode steady = figures.get("steady");
        assertEquals(current, steady.get("first_night_rescored").asLong(), "the first night predicts everyone");
        assertTrue(steady.get("guests_changed").asLong() > 0, steady.toString());
        assertTrue(
                steady.get("rescored").asLong() > 0 && steady.get("rescored").asLong() < current / 2,
                "the second night predicts the changed guests and their households: " + steady);
        assertTrue(steady.get("carried_over").asLong() > current / 2, steady.toString());
        assertEquals(steady.get("rescored").asLong(), steady.get("rows").asLong());
        assertEquals(
                List.of("remove-exited-predictions", "wrangle-step", "predict-step", "update-db-step"),
                coldStarts.stream().map(f -> f.get("function").asText()).toList());
        for (JsonNode f : coldStarts) {
            assertTrue(f.get("init_ms").asLong() > 0 && f.get("first_invoke_ms").asLong() > 0, f.toString());
            assertTrue(f.get("jar_mb").asDouble() > 1, f.toString());
            assertEquals("bare-jvm", f.get("reference").asText());
            assertTrue(f.get("reference_ms").asLong() < f.get("total_ms").asLong(), f.toString());
        }
        assertPageHoldsTheLines(page, lines, mapper);
    }

    /** Every kind of line has its table, a column per line and a row per field, each cell the JSON line's value. */
    private static void assertPageHoldsTheLines(Path page, List<String> lines, ObjectMapper mapper) throws IOException {
        String markdown = Files.readString(page, StandardCharsets.UTF_8);
        assertTrue(
                markdown.contains("java ")
                        && markdown.contains("-jar local-runner/target/local-runner.jar bench --guests 2000 --seed 5"),
                "the page says the command that made it:\n" + markdown);
        assertTrue(markdown.contains("--markdown " + page), markdown);
        assertTrue(
                markdown.contains("| cores | " + Runtime.getRuntime().availableProcessors() + " |"),
                "the machine's cores");
        assertTrue(
                markdown.contains("| JDK | ") && markdown.contains("| memory | ") && markdown.contains("| date | 20"));
        assertTrue(markdown.contains("| PostgreSQL | "), "the database server's version");

        Map<String, List<JsonNode>> kinds = new LinkedHashMap<>();
        for (String line : lines) {
            JsonNode figure = mapper.readTree(line);
            kinds.computeIfAbsent(figure.get("step").asText(), k -> new ArrayList<>())
                    .add(figure);
        }
        Map<String, List<List<String>>> tables = tables(markdown);
        assertEquals(List.copyOf(kinds.keySet()), List.copyOf(tables.keySet()), "a table per kind, in order");
        kinds.forEach((kind, ofKind) -> {
            List<List<String>> table = tables.get(kind);
            List<String> header = table.get(0);
            assertEquals(ofKind.size() + 1, header.size(), kind + ": a column per line " + header);
            List<String> fields = new ArrayList<>();
            ofKind.get(0).fieldNames().forEachRemaining(fields::add);
            fields.remove("step");
            assertEquals(
                    fields,
                    table.subList(1, table.size()).stream()
                            .map(row -> row.get(0).replace("`", ""))
                            .toList(),
                    kind + ": a row per field, in the line's order");
            for (int column = 0; column < ofKind.size(); column++) {
                JsonNode line = ofKind.get(column);
                assertEquals(line.path("function").asText(kind), header.get(column + 1));
                for (int row = 0; row < fields.size(); row++) {
                    JsonNode value = line.get(fields.get(row));
                    assertEquals(
                            value.isNull() ? "" : value.asText(),
                            table.get(row + 1).get(column + 1),
                            kind + " " + fields.get(row));
                }
            }
        });
        assertTrue(tables.get("update").stream().anyMatch(row -> row.get(0).equals("`ratio`")), "the ratio is there");
    }

    /** The tables under each {@code ## kind}: header, then rows, the separator left out. */
    private static Map<String, List<List<String>>> tables(String markdown) {
        Map<String, List<List<String>>> tables = new LinkedHashMap<>();
        List<List<String>> current = null;
        for (Iterator<String> it = markdown.lines().iterator(); it.hasNext(); ) {
            String line = it.next();
            if (line.startsWith("## ")) {
                current = new ArrayList<>();
                tables.put(line.substring(3), current);
            } else if (current != null && line.startsWith("|") && !line.startsWith("| ---")) {
                current.add(Arrays.stream(line.substring(1, line.length() - 1).split("\\|", -1))
                        .map(String::strip)
                        .toList());
            }
        }
        return tables;
    }
}
