package org.hmis.predictions.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.infra.PipelineStep.Starter;
import org.hmis.predictions.infra.SampleEvents.Kind;
import org.hmis.predictions.infra.SampleEvents.Sample;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.lambda.trigger.Trigger;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The sample events are the real AWS shapes (AWS's own event classes read them), the trigger parser takes each
 * for what its file name says, and they name what the template deploys: its bucket, its route, its prefixes.
 */
class SampleEventsTest {
    private static final Template TEMPLATE = Template.load();
    private static final String BUCKET = Deployments.defaults(TEMPLATE)
            .string(TEMPLATE.properties("DataBucket").get("BucketName"));

    @Test
    void everyWayAStepIsStartedHasASampleAndNoSampleStartsAStepAnotherWay() {
        for (PipelineStep step : PipelineStep.values()) {
            Set<Starter> sampled =
                    SampleEvents.of(step).stream().map(s -> s.kind().starter()).collect(Collectors.toSet());
            assertEquals(step.starters(), sampled, "samples in " + SampleEvents.directory(step));
            if (step.starters().contains(Starter.SCHEDULE)) {
                assertTrue(
                        SampleEvents.of(step).stream().anyMatch(s -> s.kind() == Kind.SCHEDULER_INPUT),
                        step.module() + ": the template's schedules send the scheduler input");
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everySampleIsTheTriggerItsNameSays() {
        return SampleEvents.all().stream()
                .map(sample -> DynamicTest.dynamicTest(sample.toString(), () -> {
                    Trigger trigger;
                    try (InputStream in = Files.newInputStream(sample.file())) {
                        trigger = Trigger.parse(in);
                    }
                    switch (sample.kind()) {
                        case SCHEDULER_INPUT -> schedulerInput(sample, trigger);
                        case EVENTBRIDGE_RULE -> eventBridgeRule(sample, trigger);
                        case HTTP_API -> httpApi(sample, trigger);
                        case S3 -> s3(sample, trigger);
                        case DIRECT -> direct(sample, trigger);
                    }
                }));
    }

    private static void schedulerInput(Sample sample, Trigger trigger) throws IOException {
        Trigger.Scheduled scheduled = assertInstanceOf(Trigger.Scheduled.class, trigger);
        assertTrue(scheduled.time().isPresent(), "the scheduled time");
        TemplateFunction function = TemplateFunctionsTest.functionOf(sample.step());
        JsonNode templateInput = TriggerJson.MAPPER.readTree(
                String.valueOf(function.eventsOfType("ScheduleV2").get(0).get("Input")));
        assertEquals(
                fieldNames(templateInput),
                fieldNames(TriggerJson.MAPPER.readTree(sample.file().toFile())),
                "the sample has the fields the template's schedule sends");
    }

    private static void eventBridgeRule(Sample sample, Trigger trigger) {
        ScheduledEvent event = EventLoader.loadScheduledEvent(sample.file().toString());
        assertEquals("Scheduled Event", event.getDetailType());
        assertEquals("aws.events", event.getSource());
        Trigger.Scheduled scheduled = assertInstanceOf(Trigger.Scheduled.class, trigger);
        assertEquals(event.getTime().toDate().toInstant(), scheduled.time().orElseThrow());
    }

    private static void httpApi(Sample sample, Trigger trigger) {
        APIGatewayV2HTTPEvent event =
                EventLoader.loadApiGatewayHttpEvent(sample.file().toString());
        assertEquals("2.0", event.getVersion());
        List<Map<String, Object>> routes =
                TemplateFunctionsTest.functionOf(sample.step()).eventsOfType("HttpApi");
        Map<String, Object> route = routes.stream()
                .filter(r -> (r.get("Method") + " " + r.get("Path")).equals(event.getRouteKey()))
                .findFirst()
                .orElseThrow(() ->
                        new AssertionError(sample + ": " + event.getRouteKey() + " is none of the template's routes"));
        assertTrue(
                event.getRequestContext().getAuthorizer().getIam() != null,
                "an IAM-authorized request carries the caller");
        Trigger.HttpRequest request = assertInstanceOf(Trigger.HttpRequest.class, trigger);
        assertEquals(String.valueOf(route.get("Method")), request.method());
        // A path parameter, {runId}, matches one segment; its value is in pathParameters too.
        String template = String.valueOf(route.get("Path"));
        assertTrue(
                request.path().matches(template.replaceAll("\\{[A-Za-z]+}", "[^/]+")),
                request.path() + " is not a path of " + template);
        if (template.contains("{runId}")) {
            String runId = event.getPathParameters().get("runId");
            assertEquals(template.replace("{runId}", runId), request.path());
            RunId.parse(runId);
        }
        JsonNode body = request.jsonBody();
        if (body.has("runId")) {
            RunId.parse(body.get("runId").asText());
        }
    }

    private static void s3(Sample sample, Trigger trigger) {
        S3Event event = EventLoader.loadS3Event(sample.file().toString());
        List<String> rawKeys = new ArrayList<>();
        event.getRecords().forEach(r -> {
            assertTrue(r.getEventName().startsWith("ObjectCreated:"), r.getEventName());
            rawKeys.add(r.getS3().getObject().getKey());
        });
        Trigger.ObjectsCreated created = assertInstanceOf(Trigger.ObjectsCreated.class, trigger);
        assertEquals(rawKeys.size(), created.objects().size());
        String prefix = sample.step().triggerPrefix().orElseThrow();
        for (ObjectRef object : created.objects()) {
            assertEquals(
                    BUCKET, object.bucket(), "the template's bucket, so `sam local invoke` reads where the step would");
            assertTrue(object.key().startsWith(prefix), object.key() + " is outside the trigger prefix " + prefix);
        }
        if (sample.file().getFileName().toString().equals("s3-object-created.json")) {
            assertTrue(rawKeys.size() >= 2, "S3 may deliver several records in one event");
            assertTrue(rawKeys.stream().anyMatch(k -> k.contains("%")), "one key is URL-encoded, as S3 sends keys");
            RunKeys.Stage stage = stageOf(prefix);
            created.objects().forEach(o -> RunKeys.requirePart(o.key(), stage));
        }
    }

    private static void direct(Sample sample, Trigger trigger) {
        if (sample.step().starters().contains(Starter.S3)) {
            Trigger.ObjectsCreated created =
                    assertInstanceOf(Trigger.ObjectsCreated.class, trigger, "a direct invoke names bucket and key");
            ObjectRef object = created.objects().get(0);
            assertEquals(BUCKET, object.bucket());
            RunKeys.requirePart(
                    object.key(), stageOf(sample.step().triggerPrefix().orElseThrow()));
        } else {
            Trigger.Direct direct = assertInstanceOf(Trigger.Direct.class, trigger);
            direct.text("runId").ifPresent(RunId::parse);
            assertFalse(direct.payload().has("bucket"), "a step not started by S3 takes no object");
        }
    }

    private static RunKeys.Stage stageOf(String prefix) {
        for (RunKeys.Stage stage : RunKeys.Stage.values()) {
            if (stage.prefix().equals(prefix)) {
                return stage;
            }
        }
        throw new AssertionError(prefix + " is no RunKeys stage");
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(names::add);
        return names;
    }
}
