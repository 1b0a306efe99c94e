package org.hmis.predictions.lambda.metrics;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.lambda.trigger.InvalidTriggerException;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics a function publishes (docs/architecture.md, "Metrics"), in CloudWatch's embedded metric format: one
 * JSON line on standard output per record, which CloudWatch Logs turns into metrics in namespace {@value #NAMESPACE},
 * with the one dimension {@value #DIMENSION} (the function's name) and the run id as the property {@value #RUN_ID}.
 * Nothing to reach from the VPC, and nothing that can fail the step: a record that cannot be written is logged.
 */
public final class StepMetrics {
    public static final String NAMESPACE = "ExitDestinationRefresh";
    public static final String DIMENSION = "Function";
    public static final String RUN_ID = "runId";

    public static final String ROWS = "Rows";
    public static final String PARTS = "Parts";
    public static final String REJECTED = "Rejected";
    public static final String STALE = "Stale";
    public static final String UNMATCHED = "Unmatched";
    public static final String FAILED = "Failed";
    public static final String DURATION_MS = "DurationMs";
    public static final String RUNS_COMPLETE = "RunsComplete";
    public static final String MAX_DRIFT = "MaxDrift";
    public static final String FEATURE_DRIFT = "FeatureDrift";
    public static final String DRIFTED_FEATURES = "DriftedFeatures";
    public static final String COLD_START = "ColdStart";
    /** A class-mix metric is this and the class label: {@code Predicted_es}, ... */
    public static final String PREDICTED_PREFIX = "Predicted_";

    private static final Logger LOG = LoggerFactory.getLogger(StepMetrics.class);

    private final String function;

    private StepMetrics(String function) {
        this.function = Objects.requireNonNull(function);
    }

    /**
     * The metrics of the function an invocation runs in: its name as Lambda gives it (what the template's alarms and
     * dashboard name), or {@code module} outside Lambda (no context).
     */
    public static StepMetrics forInvocation(Context context, String module) {
        String name = context == null ? null : context.getFunctionName();
        return new StepMetrics(name == null || name.isBlank() ? module : name);
    }

    /** The value of the dimension {@value #DIMENSION}. */
    public String function() {
        return function;
    }

    /** A metric's value and its unit, as CloudWatch names them. */
    public record Value(String name, double value, String unit) {}

    /** One embedded-metric-format line: the run it is about (null when none is known) and its values, in order. */
    public static final class Line {
        private final String runId;
        private final List<Value> values = new ArrayList<>();

        private Line(String runId) {
            this.runId = runId;
        }

        public String runId() {
            return runId;
        }

        public List<Value> values() {
            return List.copyOf(values);
        }

        /** A count (unit Count). */
        public Line count(String name, long value) {
            values.add(new Value(name, value, "Count"));
            return this;
        }

        /** A time in milliseconds (unit Milliseconds). */
        public Line milliseconds(String name, long value) {
            values.add(new Value(name, value, "Milliseconds"));
            return this;
        }

        /** A measure without a unit (unit None). */
        public Line measure(String name, double value) {
            values.add(new Value(name, value, "None"));
            return this;
        }
    }

    /**
     * Counts summed per run, for a step whose invocation may carry parts of several runs: one record per run, in the
     * order the runs were first seen, each with every count named (0 unless added) and the invocation's duration.
     */
    public static final class ByRun {
        private final List<String> names;
        private final Map<String, Map<String, Long>> counts = new LinkedHashMap<>();

        public ByRun(String... names) {
            this.names = List.of(names);
        }

        /** Adds {@code value} to the count {@code name} of {@code runId} (null: a part whose run is not known). */
        public ByRun add(String runId, String name, long value) {
            if (!names.contains(name)) {
                throw new IllegalArgumentException(name + " is not one of " + names);
            }
            counts.computeIfAbsent(runId, r -> new LinkedHashMap<>()).merge(name, value, Long::sum);
            return this;
        }

        /** One record per run seen, with {@value #DURATION_MS} the invocation's time since {@code startedNanos}. */
        public List<Line> records(long startedNanos) {
            long durationMs = (System.nanoTime() - startedNanos) / 1_000_000;
            List<Line> records = new ArrayList<>();
            counts.forEach((runId, byName) -> {
                Line record = about(runId);
                names.forEach(name -> record.count(name, byName.getOrDefault(name, 0L)));
                records.add(record.milliseconds(DURATION_MS, durationMs));
            });
            return records;
        }
    }

    /** The run of the part an {@code s3://bucket/key} reference names, or null when it names no part. */
    public static String runOfPart(String reference) {
        try {
            return RunKeys.parsePart(ObjectRef.fromUri(reference).key())
                    .map(part -> part.runId().value())
                    .orElse(null);
        } catch (InvalidTriggerException e) {
            return null;
        }
    }

    /** The record of a run that failed: {@value #FAILED} 1 and its time since {@code startedNanos}. */
    public static Line failedRun(String runId, long startedNanos) {
        return about(runId).count(FAILED, 1).milliseconds(DURATION_MS, (System.nanoTime() - startedNanos) / 1_000_000);
    }

    /** The record of a container's first invocation: {@value #COLD_START} 1, about no run. */
    public static Line coldStart() {
        return about(null).count(COLD_START, 1);
    }

    /** A record about {@code runId}, which may be null when the run is not known. */
    public static Line about(String runId) {
        return new Line(runId);
    }

    /** Writes each record as one embedded-metric-format line; a record that cannot be written is logged, not thrown. */
    public void publish(List<Line> records) {
        for (Line record : records) {
            publish(record);
        }
    }

    /** Writes one record as one embedded-metric-format line on standard output, which Lambda sends to the log group. */
    public void publish(Line record) {
        try {
            System.out.println(TriggerJson.MAPPER.writeValueAsString(emf(record, function)));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warn("the metrics of run {} could not be written: {}", record.runId(), e.toString());
        }
    }

    /**
     * The record in the embedded metric format's structure: the {@code _aws} metadata naming the namespace, the
     * dimension and each metric's unit, then the dimension's value, the run id and the metrics' values. Written with
     * the handlers' own mapper rather than the aws-embedded-metrics library, whose first record (its own mapper, model
     * and executor to set up) was a large part of every function's first invocation.
     */
    private static ObjectNode emf(Line record, String function) {
        ObjectNode line = TriggerJson.MAPPER.createObjectNode();
        ObjectNode directive = line.putObject("_aws")
                .put("Timestamp", System.currentTimeMillis())
                .putArray("CloudWatchMetrics")
                .addObject()
                .put("Namespace", NAMESPACE);
        ArrayNode metrics = directive.putArray("Metrics");
        directive.putArray("Dimensions").addArray().add(DIMENSION);
        line.put(DIMENSION, function);
        if (record.runId() != null) {
            line.put(RUN_ID, record.runId());
        }
        for (Value value : record.values) {
            metrics.addObject().put("Name", value.name()).put("Unit", value.unit());
            line.put(value.name(), value.value());
        }
        return line;
    }
}
