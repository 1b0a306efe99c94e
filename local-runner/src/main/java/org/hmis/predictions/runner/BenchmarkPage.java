package org.hmis.predictions.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hmis.predictions.benchmarks.BenchLine;

/**
 * {@code bench}'s lines as a markdown page, so the figures the docs show are the ones a run printed: the machine and
 * the command first, then a table per kind of line (a column per line, a row per field, named as in the JSON line).
 */
final class BenchmarkPage {
    /** What each kind of line measures, and against what. */
    private static final Map<String, String> KINDS = Map.of(
            "remove",
            "remove-exited-predictions marking every guest who has left (a first run: all of them), against a plain"
                    + " `UPDATE … WHERE exit_date IS NOT NULL` on an identical copy of the table.",
            "wrangle",
            "wrangle-step streaming the current guests into feature CSV parts in S3, against a plain"
                    + " `COPY (SELECT <same columns>) TO STDOUT`; the best of alternating rounds counts.",
            "predict",
            "predict-step without explanations, S3 part in and out, against LightGBM's batch call on the same"
                    + " matrix and model.",
            "predict_explained",
            "predict-step as it runs by default, with each guest's reasons, against LightGBM's batch call plus its"
                    + " contribution call on the same rows.",
            "engine",
            "the Java tree engine alone on the in-memory matrix, against LightGBM's batch call.",
            "explain",
            "the exact contributions to the `perm` class the reasons use (TreeSHAP), against LightGBM's contribution"
                    + " call, which computes every class; `all_classes_*` is the engine computing every class too.",
            "update",
            "update-db-step applying a predictions part, against a plain `COPY` into a temporary table plus one"
                    + " `UPDATE … FROM`; `same_writes_*` adds the upsert of every row into a copy of"
                    + " `guest_predictions` (the same writes without the step's checks); `rowwise_*` is the original's"
                    + " row-by-row update with a commit per row, on a sample. `*wal_mb` is the write-ahead log the"
                    + " counted apply wrote.",
            "pipeline",
            "a whole first refresh (remove, wrangle, predict, update) as `run --step all` does it, on an untouched"
                    + " copy of the table; its rate counts the current guests it predicted for.",
            "steady",
            "the second night on that copy, after a day on which 1% of the current guests enrolled again, earned"
                    + " more or left: the whole refresh re-scores only the guests whose prediction would change"
                    + " (`rescored`) and carries the others over; `first_night_*` is the pipeline line's night.",
            "coldstart",
            "a fresh JVM with Lambda's flags loading a function's jar, building its handler (init) and answering one"
                    + " real invocation, against a bare JVM started with the same flags; the ratio is the bare JVM's"
                    + " time over the function's.");

    /** The machine a run measured on. */
    record Machine(int cores, long memoryMb, long maxHeapMb, String jdk, String os, String database, Instant date) {
        /** This JVM's machine, {@code database} naming the PostgreSQL server the run used. */
        static Machine current(String database) {
            OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            long memory = os instanceof com.sun.management.OperatingSystemMXBean physical
                    ? physical.getTotalMemorySize() / (1024 * 1024)
                    : -1;
            return new Machine(
                    Runtime.getRuntime().availableProcessors(),
                    memory,
                    Runtime.getRuntime().maxMemory() / (1024 * 1024),
                    System.getProperty("java.vm.name") + " " + Runtime.version() + " ("
                            + System.getProperty("java.vm.vendor") + ")",
                    os.getName() + " " + os.getVersion() + " " + os.getArch() + ", load average "
                            + String.format(Locale.ROOT, "%.2f", os.getSystemLoadAverage()),
                    database,
                    Instant.now().truncatedTo(ChronoUnit.SECONDS));
        }
    }

    private BenchmarkPage() {}

    /** Writes the page to {@code file} whole, or leaves what was there: it is moved into place once written. */
    static void write(Path file, List<BenchLine> lines, Machine machine, String command) throws IOException {
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path written = Files.createTempFile(
                absolute.getParent(), absolute.getFileName().toString(), ".tmp");
        try {
            Files.writeString(written, render(lines, machine, command), StandardCharsets.UTF_8);
            Files.move(written, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(written);
        }
    }

    static String render(List<BenchLine> lines, Machine machine, String command) {
        StringBuilder page = new StringBuilder();
        page.append("# Benchmarks\n\n")
                .append("Generated by `bench --markdown`; do not edit: run the command below again instead.")
                .append(" Each step is measured beside its reference in the same run on the same machine, and")
                .append(" `ratio` is the step's rate over the reference's. What the lines mean and what was learnt")
                .append(" from them: [benchmark-notes.md](benchmark-notes.md).\n\n")
                .append("```\n")
                .append(command)
                .append("\n```\n\n")
                .append("| machine | |\n| --- | --- |\n")
                .append(row("date", machine.date().toString()))
                .append(row("cores", String.valueOf(machine.cores())))
                .append(row("memory", machine.memoryMb() < 0 ? "unknown" : machine.memoryMb() + " MB"))
                .append(row("max heap", machine.maxHeapMb() + " MB"))
                .append(row("JDK", machine.jdk()))
                .append(row("OS", machine.os()))
                .append(row("PostgreSQL", machine.database()));

        Map<String, List<ObjectNode>> kinds = new LinkedHashMap<>();
        for (BenchLine line : lines) {
            kinds.computeIfAbsent(line.step(), k -> new ArrayList<>()).add(line.fields());
        }
        kinds.forEach((kind, ofKind) -> page.append(table(kind, ofKind)));
        return page.toString();
    }

    private static String table(String kind, List<ObjectNode> lines) {
        Set<String> fields = new LinkedHashSet<>();
        for (ObjectNode line : lines) {
            for (Iterator<String> names = line.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!name.equals("step")) {
                    fields.add(name);
                }
            }
        }
        StringBuilder table = new StringBuilder("\n## ").append(kind).append("\n\n");
        String description = KINDS.get(kind);
        if (description != null) {
            table.append(description).append("\n\n");
        }
        table.append("| field |");
        for (ObjectNode line : lines) {
            table.append(' ').append(cell(line.path("function").asText(kind))).append(" |");
        }
        table.append("\n| --- |").append(" ---: |".repeat(lines.size())).append('\n');
        for (String field : fields) {
            table.append("| `").append(field).append("` |");
            for (ObjectNode line : lines) {
                table.append(' ').append(cell(line.get(field))).append(" |");
            }
            table.append('\n');
        }
        return table.toString();
    }

    /** A field's value as the JSON line prints it; empty when null or absent. */
    static String cell(JsonNode value) {
        return value == null || value.isNull() ? "" : cell(value.asText());
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private static String row(String name, String value) {
        return "| " + name + " | " + cell(value) + " |\n";
    }
}
