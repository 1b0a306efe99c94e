package org.hmis.predictions.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One line of {@code bench}'s output: what was measured ({@code step}, {@code rows}, {@code seconds},
 * {@code rows_per_s}), the reference measured in the same run ({@code reference}, {@code reference_rows_per_s}) and
 * {@code ratio}, the step's rate over the reference's; then figures of its own, in the order added.
 */
public final class BenchLine {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode line = JSON.createObjectNode();
    private final double rowsPerSecond;

    private BenchLine(String step, double rowsPerSecond) {
        this.rowsPerSecond = rowsPerSecond;
        line.put("step", step);
    }

    /** {@code rows} handled in {@code seconds} by {@code step}. */
    public static BenchLine of(String step, long rows, double seconds) {
        BenchLine bench = new BenchLine(step, rows / seconds);
        bench.line.put("rows", rows);
        bench.line.put("seconds", round(seconds, 3));
        bench.line.put("rows_per_s", Math.round(bench.rowsPerSecond));
        return bench;
    }

    /**
     * A function's first answer in a fresh JVM: the container's init and its first invocation, beside a bare JVM
     * started with the same flags; the ratio is the bare JVM's time over the function's (1 would be no cost at all).
     */
    public static BenchLine coldStart(
            String function, double initMs, double firstInvokeMs, double jarMb, double bareMs) {
        double totalMs = initMs + firstInvokeMs;
        BenchLine bench = new BenchLine("coldstart", 1000 / totalMs);
        bench.line.put("function", function);
        bench.line.put("init_ms", Math.round(initMs));
        bench.line.put("first_invoke_ms", Math.round(firstInvokeMs));
        bench.line.put("total_ms", Math.round(totalMs));
        bench.line.put("jar_mb", round(jarMb, 1));
        bench.line.put("reference", "bare-jvm");
        bench.line.put("reference_ms", Math.round(bareMs));
        bench.line.put("ratio", round(bareMs / totalMs, 3));
        return bench;
    }

    /** The reference's name and rate on the same work, and the ratio of the step's rate to it. */
    public BenchLine reference(String name, double referenceRowsPerSecond) {
        line.put("reference", name);
        line.put("reference_rows_per_s", Math.round(referenceRowsPerSecond));
        line.put("ratio", round(rowsPerSecond / referenceRowsPerSecond, 3));
        return this;
    }

    /** The reference's rate as {@link #reference} recorded it (rounded to whole rows per second). */
    public double referenceRowsPerSecond() {
        return line.path("reference_rows_per_s").asDouble();
    }

    /** A line measured without a reference (the whole refresh): the fields are there, empty. */
    public BenchLine noReference() {
        line.putNull("reference");
        line.putNull("reference_rows_per_s");
        line.putNull("ratio");
        return this;
    }

    /** The heap figures of {@code heap}, and the limit they were measured under. */
    public BenchLine heap(HeapPeak heap) {
        return heap(heap.figures());
    }

    /** The same, from figures already taken. */
    public BenchLine heap(HeapPeak.Figures heap) {
        put("peak_heap_mb", heap.peakUsedMb(), 1);
        put("peak_live_heap_mb", heap.peakLiveMb(), 1);
        return put("max_heap_mb", HeapPeak.maxHeapMb(), 0);
    }

    public BenchLine put(String name, double value, int decimals) {
        line.put(name, round(value, decimals));
        return this;
    }

    public BenchLine put(String name, long value) {
        line.put(name, value);
        return this;
    }

    public BenchLine put(String name, String value) {
        line.put(name, value);
        return this;
    }

    /** The kind of line: the step measured, {@code pipeline} or {@code coldstart}. */
    public String step() {
        return line.get("step").asText();
    }

    /** The line's fields, {@code step} first, in the order printed. */
    public ObjectNode fields() {
        return line.deepCopy();
    }

    /** The line as printed: one JSON object. */
    @Override
    public String toString() {
        return line.toString();
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
