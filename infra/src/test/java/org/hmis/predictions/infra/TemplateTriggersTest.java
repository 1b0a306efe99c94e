package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.infra.PipelineStep.Starter;
import org.hmis.predictions.lambda.trigger.Trigger;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * What starts each function is what starts its step: S3 ObjectCreated on the RunKeys prefix it reads (never one
 * it writes), EventBridge Scheduler with an input the trigger parser takes for a schedule, the IAM-authorized
 * POST /refresh that openapi.yaml documents; and a failed asynchronous event ends in the dead-letter queue and an
 * alarm rather than nowhere.
 */
class TemplateTriggersTest {
    private static final Template TEMPLATE = Template.load();
    private static final TemplateEvaluation DEPLOYMENT = Deployments.defaults(TEMPLATE);

    @TestFactory
    Stream<DynamicTest> everyFunctionIsStartedByWhatStartsItsStep() {
        return TEMPLATE.functions().stream()
                .map(f -> DynamicTest.dynamicTest(f.logicalId(), () -> {
                    Set<Starter> starters = EnumSet.of(Starter.DIRECT); // aws lambda invoke reaches any function
                    for (Map<String, Object> event : f.events().values()) {
                        switch (String.valueOf(event.get("Type"))) {
                            case "S3" -> starters.add(Starter.S3);
                            case "ScheduleV2" -> starters.add(Starter.SCHEDULE);
                            case "HttpApi" -> starters.add(Starter.HTTP_API);
                            default ->
                                throw new AssertionError(f.logicalId() + " has an event of type " + event.get("Type")
                                        + ", which no step expects (schedules are ScheduleV2: EventBridge Scheduler)");
                        }
                    }
                    assertEquals(f.step().starters(), starters, f.logicalId());
                }));
    }

    @TestFactory
    Stream<DynamicTest> s3EventsComeFromTheDataBucketOnThePrefixTheStepReads() {
        return TEMPLATE.functions().stream()
                .filter(f -> f.step().triggerPrefix().isPresent())
                .map(f -> DynamicTest.dynamicTest(f.logicalId(), () -> {
                    List<Map<String, Object>> events = f.eventsOfType("S3");
                    assertEquals(1, events.size(), f.logicalId() + ": one S3 event");
                    Map<String, Object> event = events.get(0);
                    assertEquals(
                            Map.of("Ref", "DataBucket"),
                            event.get("Bucket"),
                            "SAM wires S3 events only to a bucket of the same template");
                    assertEquals("AWS::S3::Bucket", TEMPLATE.type("DataBucket"));
                    assertEquals("s3:ObjectCreated:*", event.get("Events"));
                    assertEquals(
                            List.of(f.step().triggerPrefix().get()),
                            filterPrefixes(event),
                            f.logicalId() + ": the prefix RunKeys writes its input under");
                }));
    }

    @Test
    void noFunctionIsStartedByObjectsItMayWrite() {
        TemplateEvaluation deployment = Deployments.everyOption(TEMPLATE);
        String bucket = deployment.string(TEMPLATE.properties("DataBucket").get("BucketName"));
        for (TemplateFunction f : TEMPLATE.functions()) {
            List<String> writable = TemplatePermissionsTest.grants(f, deployment).stream()
                    .filter(g -> g.action().equals("s3:PutObject"))
                    .map(g -> g.resource().substring(("arn:aws:s3:::" + bucket + "/").length()))
                    .toList();
            for (Map<String, Object> event : f.eventsOfType("S3")) {
                for (String prefix : filterPrefixes(event)) {
                    for (String written : writable) {
                        String writtenPrefix =
                                written.endsWith("*") ? written.substring(0, written.length() - 1) : written;
                        assertFalse(
                                writtenPrefix.startsWith(prefix) || prefix.startsWith(writtenPrefix),
                                f.logicalId() + " may write " + written + " and is started by objects under " + prefix
                                        + ": it would start itself");
                    }
                }
            }
        }
    }

    /** The chain: what one step may write starts exactly one other step, and nothing else starts anything. */
    @Test
    void everyPrefixAStepWritesStartsExactlyOneFunction() {
        TemplateEvaluation deployment = Deployments.everyOption(TEMPLATE);
        String objects = "arn:aws:s3:::"
                + deployment.string(TEMPLATE.properties("DataBucket").get("BucketName")) + "/";
        List<String> written = new ArrayList<>();
        List<String> starting = new ArrayList<>();
        for (TemplateFunction f : TEMPLATE.functions()) {
            TemplatePermissionsTest.grants(f, deployment).stream()
                    .filter(g -> g.action().equals("s3:PutObject"))
                    .forEach(g ->
                            written.add(g.resource().substring(objects.length()).replace("*", "")));
            f.eventsOfType("S3").forEach(e -> starting.addAll(filterPrefixes(e)));
        }
        assertEquals(
                written.stream().sorted().toList(), starting.stream().sorted().toList());
        assertEquals(
                List.of(RunKeys.PREDICTIONS_PREFIX, RunKeys.WRANGLED_PREFIX),
                starting.stream().sorted().toList());
    }

    @TestFactory
    Stream<DynamicTest> schedulesAreSchedulerSchedulesWithTimezoneRetriesAndAnInputTheParserTakes() {
        return TEMPLATE.functions().stream()
                .filter(f -> f.step().starters().contains(Starter.SCHEDULE))
                .map(f -> DynamicTest.dynamicTest(f.logicalId(), () -> {
                    List<Map<String, Object>> schedules = f.eventsOfType("ScheduleV2");
                    assertEquals(1, schedules.size());
                    Map<String, Object> schedule = schedules.get(0);
                    Object expression = schedule.get("ScheduleExpression");
                    assertInstanceOf(
                            Map.class, expression, "the expression is a parameter, so an operator can move it");
                    String parameter = String.valueOf(Template.map(expression).get("Ref"));
                    assertTrue(
                            TEMPLATE.parameters().containsKey(parameter),
                            f.logicalId() + ": ScheduleExpression must be !Ref of a parameter");
                    assertTrue(
                            String.valueOf(TEMPLATE.parameters().get(parameter).get("Default"))
                                    .matches("(cron|rate)\\(.+\\)"));
                    assertEquals(Map.of("Ref", "ScheduleTimezone"), schedule.get("ScheduleExpressionTimezone"));

                    Map<String, Object> retry = Template.map(schedule.get("RetryPolicy"));
                    int attempts = ((Number) retry.get("MaximumRetryAttempts")).intValue();
                    assertTrue(attempts >= 1 && attempts <= 5, f.logicalId() + ": bounded retries, was " + attempts);
                    assertNotNull(retry.get("MaximumEventAgeInSeconds"));
                    assertFailedInvocationsQueue(
                            Template.map(schedule.get("DeadLetterConfig")).get("Arn"), f.logicalId() + " schedule");

                    String input = String.valueOf(schedule.get("Input"))
                            .replace("<aws.scheduler.scheduled-time>", "2026-11-23T07:15:00Z");
                    Trigger trigger = Trigger.parse(TriggerJson.MAPPER.readTree(input));
                    Trigger.Scheduled scheduled = assertInstanceOf(
                            Trigger.Scheduled.class, trigger, "Scheduler's input must parse as a schedule");
                    assertEquals(
                            Instant.parse("2026-11-23T07:15:00Z"),
                            scheduled.time().orElseThrow());
                }));
    }

    @Test
    void refreshAndRunStatusAreIamAuthorizedRoutesThatOpenApiDocuments() throws IOException {
        List<String> routes = new ArrayList<>();
        for (TemplateFunction f : TEMPLATE.functions()) {
            for (Map<String, Object> event : f.eventsOfType("HttpApi")) {
                assertEquals(PipelineStep.WRANGLE, f.step(), "only the wrangle step serves HTTP");
                assertEquals(
                        "AWS_IAM",
                        Template.map(event.get("Auth")).get("Authorizer"),
                        "POST /refresh reads every guest and run status tells of the runs: signed callers only");
                assertEquals(
                        "2.0", event.get("PayloadFormatVersion"), "the trigger parser reads the payload 2.0 shape");
                String api = String.valueOf(Template.map(event.get("ApiId")).get("Ref"));
                assertEquals("AWS::Serverless::HttpApi", TEMPLATE.type(api));
                Map<String, Object> auth = Template.map(TEMPLATE.properties(api).get("Auth"));
                assertEquals(true, auth.get("EnableIamAuthorizer"));
                assertEquals("AWS_IAM", auth.get("DefaultAuthorizer"), "no route of the API is open");
                routes.add(String.valueOf(event.get("Method")).toLowerCase(java.util.Locale.ROOT) + " "
                        + event.get("Path"));
            }
        }
        assertEquals(List.of("post /refresh", "get /runs/latest", "get /runs/{runId}"), routes);

        Map<String, Object> openApi = CloudFormationYaml.read(Path.of("openapi.yaml"));
        List<String> documented = new ArrayList<>();
        Template.map(openApi.get("paths"))
                .forEach((path, operations) ->
                        Template.map(operations).keySet().forEach(method -> documented.add(method + " " + path)));
        assertEquals(routes, documented, "openapi.yaml documents the routes the template serves");

        // What the handler answers on the route, status by status, OpenApiTest checks against the handler itself.
        Map<String, Object> schemas =
                Template.map(Template.map(openApi.get("components")).get("schemas"));
        String runIdPattern = String.valueOf(Template.map(schemas.get("RunId")).get("pattern"));
        assertTrue(RunId.newRun().value().matches(runIdPattern), "the documented run id pattern matches a RunId");
        assertEquals(
                RunId.parse(String.valueOf(Template.map(schemas.get("RunId")).get("example")))
                        .value(),
                Template.map(schemas.get("RunId")).get("example"));
        Map<String, Object> scheme = Template.map(
                Template.map(Template.map(openApi.get("components")).get("securitySchemes"))
                        .get("sigv4"));
        assertEquals("awsSigv4", scheme.get("x-amazon-apigateway-authtype"));
    }

    @TestFactory
    Stream<DynamicTest> failedAsynchronousEventsAreRetriedAFewTimesThenKept() {
        return TEMPLATE.functions().stream()
                .map(f -> DynamicTest.dynamicTest(f.logicalId(), () -> {
                    Map<String, Object> config = Template.map(f.properties().get("EventInvokeConfig"));
                    int retries = ((Number) config.get("MaximumRetryAttempts")).intValue();
                    assertTrue(retries >= 1 && retries <= 2, f.logicalId() + ": MaximumRetryAttempts " + retries);
                    int age = ((Number) config.get("MaximumEventAgeInSeconds")).intValue();
                    assertTrue(age >= 60 && age <= 21_600, f.logicalId() + ": MaximumEventAgeInSeconds " + age);
                    Map<String, Object> onFailure = Template.map(
                            Template.map(config.get("DestinationConfig")).get("OnFailure"));
                    assertEquals("SQS", onFailure.get("Type"));
                    assertFailedInvocationsQueue(onFailure.get("Destination"), f.logicalId());

                    boolean errorsAlarm = TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm").stream()
                            .map(TEMPLATE::properties)
                            .anyMatch(alarm -> "AWS/Lambda".equals(alarm.get("Namespace"))
                                    && "Errors".equals(alarm.get("MetricName"))
                                    && List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", f.logicalId())))
                                            .equals(alarm.get("Dimensions"))
                                    && !Template.list(alarm.get("AlarmActions")).isEmpty());
                    assertTrue(errorsAlarm, f.logicalId() + " has no alarm on its Errors metric that notifies anyone");
                }));
    }

    @Test
    void theDeadLetterQueueHasAnAlarmOnItsDepth() {
        boolean depthAlarm = TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm").stream()
                .map(TEMPLATE::properties)
                .anyMatch(alarm -> "AWS/SQS".equals(alarm.get("Namespace"))
                        && "ApproximateNumberOfMessagesVisible".equals(alarm.get("MetricName"))
                        && List.of(Map.of(
                                        "Name",
                                        "QueueName",
                                        "Value",
                                        Map.of("Fn::GetAtt", List.of("FailedInvocationsQueue", "QueueName"))))
                                .equals(alarm.get("Dimensions"))
                        && !Template.list(alarm.get("AlarmActions")).isEmpty());
        assertTrue(depthAlarm, "no alarm on the dead-letter queue's depth");
        assertEquals(true, TEMPLATE.properties("FailedInvocationsQueue").get("SqsManagedSseEnabled"));
    }

    private static void assertFailedInvocationsQueue(Object arn, String what) {
        Object value = DEPLOYMENT.evaluate(arn).orElseThrow();
        TemplateEvaluation.ResourceReference reference =
                assertInstanceOf(TemplateEvaluation.ResourceReference.class, value, what);
        assertEquals("AWS::SQS::Queue", TEMPLATE.type(reference.logicalId()), what + " fails into a queue");
        assertEquals("Arn", reference.attribute().orElseThrow());
    }

    static List<String> filterPrefixes(Map<String, Object> s3Event) {
        List<String> prefixes = new ArrayList<>();
        Object filter = s3Event.get("Filter");
        if (filter == null) {
            throw new AssertionError(
                    "an S3 event without a prefix filter starts its function for every object in the bucket");
        }
        for (Object rule :
                Template.list(Template.map(Template.map(filter).get("S3Key")).get("Rules"))) {
            Map<String, Object> r = Template.map(rule);
            if ("prefix".equals(r.get("Name"))) {
                prefixes.add(String.valueOf(r.get("Value")));
            }
        }
        return prefixes;
    }
}
