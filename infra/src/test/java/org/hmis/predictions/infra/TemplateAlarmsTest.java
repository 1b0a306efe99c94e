package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hmis.predictions.infra.TemplateEvaluation.ResourceReference;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.junit.jupiter.api.Test;

/**
 * Someone hears of a night that went wrong: every alarm notifies the alarm topic; a run that never completes sets
 * off the heartbeat even when nothing ran at all; event age, throttles, rejected and unmatched rows and drift have
 * alarms; the dashboard shows every run metric. The metrics they read are the contract docs/architecture.md states
 * (PipelineMetric), each read under the function that publishes it.
 */
class TemplateAlarmsTest {
    private static final Template TEMPLATE = Template.load();
    private static final TemplateEvaluation DEFAULTS = Deployments.defaults(TEMPLATE);
    private static final Path ARCHITECTURE =
            Template.DIRECTORY.resolveSibling("docs").resolve("architecture.md");

    @Test
    void everyAlarmNotifiesTheAlarmTopic() {
        List<String> alarms = TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm");
        assertTrue(alarms.size() >= 12, "alarms: " + alarms);
        for (String id : alarms) {
            assertEquals(
                    List.of(Map.of("Ref", "AlarmTopic")),
                    TEMPLATE.properties(id).get("AlarmActions"),
                    id + " tells no one");
        }
    }

    @Test
    void everyAlarmOnARunMetricReadsItFromAFunctionThatPublishesIt() {
        int onRunMetrics = 0;
        for (String id : TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm")) {
            Map<String, Object> alarm = TEMPLATE.properties(id);
            if (!PipelineMetric.NAMESPACE.equals(alarm.get("Namespace"))) {
                continue;
            }
            onRunMetrics++;
            PipelineMetric metric = PipelineMetric.named(String.valueOf(alarm.get("MetricName")));
            List<Object> dimensions = Template.list(alarm.get("Dimensions"));
            assertEquals(1, dimensions.size(), id + ": the metrics have one dimension");
            Map<String, Object> dimension = Template.map(dimensions.get(0));
            assertEquals(PipelineMetric.DIMENSION, dimension.get("Name"), id);
            PipelineStep step =
                    functionOf(DEFAULTS.evaluate(dimension.get("Value")).orElseThrow(), id);
            assertTrue(
                    metric.publishers().contains(step),
                    id + " reads " + metric.name() + " of " + step.module() + ", which does not publish it");
        }
        assertEquals(5, onRunMetrics, "the heartbeat, rejected, unmatched, class mix drift and feature drift alarms");
    }

    /**
     * A run that stops half way, fails, or never starts (a schedule disabled by mistake, a broken deploy) sends no
     * RunsComplete, so the heartbeat counts missing data as breaching; an alarm on errors could not see a run that
     * never started. It is armed only while the schedules are enabled.
     */
    @Test
    void theHeartbeatAlarmsWhenNoRunCompletesIn26HoursEvenWhenNothingRan() {
        String id = alarmOn("RunsComplete");
        Map<String, Object> alarm = TEMPLATE.properties(id);
        assertEquals("Sum", alarm.get("Statistic"));
        int period = ((Number) alarm.get("Period")).intValue();
        int periods = ((Number) alarm.get("EvaluationPeriods")).intValue();
        assertEquals(26 * 3600, period * periods, id + ": 26 hours");
        assertTrue(period >= 3600, "CloudWatch evaluates more than a day only with periods of an hour or more");
        assertEquals(periods, ((Number) alarm.get("DatapointsToAlarm")).intValue(), "every hour of the 26 silent");
        assertEquals("breaching", alarm.get("TreatMissingData"), "no data is no run");
        assertEquals("LessThanThreshold", alarm.get("ComparisonOperator"));
        assertEquals(1, ((Number) alarm.get("Threshold")).intValue());
        assertEquals(List.of(Map.of("Ref", "AlarmTopic")), alarm.get("OKActions"), "and when runs complete again");
        assertEquals("DISABLED", TEMPLATE.parameters().get("ScheduleState").get("Default"));
        for (TemplateEvaluation d : Deployments.all(TEMPLATE).values()) {
            assertEquals(
                    "ENABLED".equals(d.string(Map.of("Ref", "ScheduleState"))),
                    d.evaluate(alarm.get("ActionsEnabled")).orElseThrow(),
                    "armed exactly while the schedules are enabled");
        }
    }

    @Test
    void asynchronousEventAgeAndThrottlesOfEveryFunctionAlarm() {
        Set<String> functions = TEMPLATE.functions().stream()
                .map(TemplateFunction::logicalId)
                .collect(Collectors.toCollection(TreeSet::new));
        for (Map.Entry<String, TemplateEvaluation> deployment :
                Deployments.all(TEMPLATE).entrySet()) {
            TemplateEvaluation d = deployment.getValue();
            assertEquals(
                    functions,
                    lambdaMetricAlarm("AsyncEventAge", d),
                    deployment.getKey() + ": event age, every function");
            Set<String> throttled = new TreeSet<>(functions);
            if (d.condition("HasUpdateReservedConcurrency")) {
                // With reserved concurrency, update's parts are throttled on purpose and wait in Lambda's queue.
                throttled.remove(
                        TemplateFunctionsTest.functionOf(PipelineStep.UPDATE_DB).logicalId());
            }
            assertEquals(throttled, lambdaMetricAlarm("Throttles", d), deployment.getKey() + ": throttles");
        }
    }

    @Test
    void rejectedUnmatchedAndDriftAlarmAboveTheirThresholds() {
        Map<String, String> thresholdOf = Map.of(
                "Rejected", "RejectedRowsAlarmThreshold",
                "Unmatched", "UnmatchedRowsAlarmThreshold",
                "MaxDrift", "DriftAlarmThreshold",
                "DriftedFeatures", "FeatureDriftAlarmThreshold");
        thresholdOf.forEach((metric, parameter) -> {
            Map<String, Object> alarm = TEMPLATE.properties(alarmOn(metric));
            assertEquals("GreaterThanThreshold", alarm.get("ComparisonOperator"), metric);
            assertEquals(Map.of("Ref", parameter), alarm.get("Threshold"), metric);
            assertEquals("notBreaching", alarm.get("TreatMissingData"), metric + ": a night without rows is fine");
            assertTrue(TEMPLATE.parameters().get(parameter).containsKey("Default"), parameter);
        });
        Map<String, Object> drift = TEMPLATE.parameters().get("DriftAlarmThreshold");
        assertEquals(1, ((Number) drift.get("MaxValue")).intValue(), "a share moves by at most 1");
    }

    @Test
    void theDashboardShowsEveryRunMetricOfEveryFunctionThatPublishesIt() throws IOException {
        JsonNode body = TriggerJson.MAPPER.readTree(
                DEFAULTS.string(TEMPLATE.properties("Dashboard").get("DashboardBody")));
        Map<String, Set<PipelineStep>> shown = new TreeMap<>();
        Set<String> lambdaErrors = new TreeSet<>();
        List<String> titles = new ArrayList<>();
        for (JsonNode widget : body.path("widgets")) {
            JsonNode properties = widget.path("properties");
            titles.add(properties.path("title").asText());
            assertEquals("us-east-1", properties.path("region").asText(), "the stack's region");
            for (JsonNode metric : properties.path("metrics")) {
                String namespace = metric.path(0).asText();
                String name = metric.path(1).asText();
                if (namespace.equals(PipelineMetric.NAMESPACE)) {
                    PipelineMetric contract = PipelineMetric.named(name);
                    assertEquals(PipelineMetric.DIMENSION, metric.path(2).asText(), name);
                    PipelineStep step = functionOfName(metric.path(3).asText());
                    assertTrue(contract.publishers().contains(step), name + " of " + step.module());
                    shown.computeIfAbsent(name, n -> EnumSet.noneOf(PipelineStep.class))
                            .add(step);
                } else if (namespace.equals("AWS/Lambda") && name.equals("Errors")) {
                    lambdaErrors.add(metric.path(3).asText());
                }
            }
        }
        Map<String, Set<PipelineStep>> contract = new TreeMap<>();
        PipelineMetric.ALL.forEach(m -> contract.put(m.name(), m.publishers()));
        assertEquals(contract, shown, "every run metric, of every function that publishes it");
        assertEquals(
                TEMPLATE.functions().stream()
                        .map(f -> "${" + f.logicalId() + "}")
                        .collect(Collectors.toCollection(TreeSet::new)),
                lambdaErrors,
                "every function's errors");
        for (String topic : List.of("Runs", "Rows", "Errors", "duration", "Class mix")) {
            assertTrue(
                    titles.stream()
                            .anyMatch(t -> t.toLowerCase(java.util.Locale.ROOT)
                                    .contains(topic.toLowerCase(java.util.Locale.ROOT))),
                    "no widget on " + topic + ": " + titles);
        }
    }

    /** docs/architecture.md states the same metrics, units and publishers as the contract the template reads. */
    @Test
    void theMetricsAreTheOnesDocsArchitectureMdStates() throws IOException {
        String doc = Files.readString(ARCHITECTURE, StandardCharsets.UTF_8);
        int start = doc.indexOf("\n### Metrics");
        assertTrue(start >= 0, ARCHITECTURE + " has no section ### Metrics");
        int end = doc.indexOf("\n#", start + 1);
        String section = doc.substring(start, end < 0 ? doc.length() : end);
        assertTrue(section.contains("`" + PipelineMetric.NAMESPACE + "`"), "the namespace is stated");
        assertTrue(section.contains("`" + PipelineMetric.DIMENSION + "`"), "the dimension is stated");
        Map<String, String> documented = new TreeMap<>();
        Pattern row = Pattern.compile("(?m)^\\|\\s*`([A-Za-z_]+)`\\s*\\|\\s*([A-Za-z]+)\\s*\\|([^|]*)\\|");
        Matcher m = row.matcher(section);
        while (m.find()) {
            Set<String> modules = new TreeSet<>();
            Matcher module = Pattern.compile("`([a-z-]+)`").matcher(m.group(3));
            while (module.find()) {
                modules.add(module.group(1));
            }
            documented.put(m.group(1), m.group(2) + " " + modules);
        }
        Map<String, String> contract = new TreeMap<>();
        for (PipelineMetric metric : PipelineMetric.ALL) {
            contract.put(
                    metric.name(),
                    metric.unit() + " "
                            + metric.publishers().stream()
                                    .map(PipelineStep::module)
                                    .collect(Collectors.toCollection(TreeSet::new)));
        }
        assertEquals(contract, documented, "metric: unit and publishers, in " + ARCHITECTURE);
    }

    /** The one alarm on a run metric. */
    private static String alarmOn(String metric) {
        List<String> alarms = TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm").stream()
                .filter(id ->
                        PipelineMetric.NAMESPACE.equals(TEMPLATE.properties(id).get("Namespace"))
                                && metric.equals(TEMPLATE.properties(id).get("MetricName")))
                .toList();
        assertEquals(1, alarms.size(), "alarms on " + metric + ": " + alarms);
        return alarms.get(0);
    }

    /**
     * The functions whose AWS/Lambda metric one alarm watches, through a metric math expression over all of them,
     * as a deployment evaluates it; every metric the expression needs is there and returns no data of its own.
     */
    private static Set<String> lambdaMetricAlarm(String metricName, TemplateEvaluation d) {
        List<String> matching = new ArrayList<>();
        Set<String> functions = new TreeSet<>();
        for (String id : TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm")) {
            Object declared = TEMPLATE.properties(id).get("Metrics");
            if (declared == null) {
                continue;
            }
            List<Object> metrics = Template.list(d.evaluate(declared).orElseThrow());
            Set<String> ids = new TreeSet<>();
            Set<String> watched = new TreeSet<>();
            String expression = null;
            for (Object q : metrics) {
                Map<String, Object> query = Template.map(q);
                if (query.containsKey("Expression")) {
                    expression = String.valueOf(query.get("Expression"));
                    assertEquals(true, query.get("ReturnData"), id + ": the expression is what the alarm judges");
                    continue;
                }
                Map<String, Object> metric =
                        Template.map(Template.map(query.get("MetricStat")).get("Metric"));
                if (!metricName.equals(metric.get("MetricName"))) {
                    continue;
                }
                assertEquals("AWS/Lambda", metric.get("Namespace"));
                assertEquals(false, query.get("ReturnData"), id + ": only the expression returns data");
                ids.add(String.valueOf(query.get("Id")));
                Map<String, Object> dimension =
                        Template.map(Template.list(metric.get("Dimensions")).get(0));
                assertEquals("FunctionName", dimension.get("Name"));
                watched.add(((ResourceReference) dimension.get("Value")).logicalId());
            }
            if (watched.isEmpty()) {
                continue;
            }
            matching.add(id);
            functions.addAll(watched);
            Set<String> used = new TreeSet<>();
            Matcher names = Pattern.compile("[a-z][a-zA-Z0-9_]*").matcher(expression.replaceAll("^[A-Z]+\\(", ""));
            while (names.find()) {
                used.add(names.group());
            }
            assertEquals(ids, used, id + ": the expression " + expression + " reads every metric of the alarm");
        }
        assertEquals(1, matching.size(), "alarms on " + metricName + ": " + matching);
        return functions;
    }

    private static PipelineStep functionOf(Object value, String where) {
        assertTrue(value instanceof ResourceReference, where + ": the dimension is a function of this template");
        ResourceReference reference = (ResourceReference) value;
        assertFalse(reference.attribute().isPresent(), where + ": Ref of the function gives its name");
        return TEMPLATE.function(reference.logicalId()).step();
    }

    /** The step of a function named in the dashboard's JSON, as {@code ${LogicalId}} before deployment. */
    private static PipelineStep functionOfName(String name) {
        Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9]+)}").matcher(name);
        assertTrue(m.matches(), name + " is not a function of this template");
        return functionOf(new ResourceReference(m.group(1), Optional.empty()), name);
    }
}
