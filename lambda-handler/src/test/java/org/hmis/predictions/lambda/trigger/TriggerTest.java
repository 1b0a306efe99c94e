package org.hmis.predictions.lambda.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TriggerTest {

    private static Trigger fixture(String name) {
        InputStream in = TriggerTest.class.getResourceAsStream("/events/" + name);
        return Trigger.parse(in);
    }

    private static Trigger json(String text) {
        return Trigger.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anEventBridgeRuleScheduleIsScheduled() {
        Trigger.Scheduled s = assertInstanceOf(Trigger.Scheduled.class, fixture("tests/eventbridge-scheduled.json"));
        assertEquals("eventbridge-rule", s.source());
        assertEquals(Instant.parse("2026-11-23T06:00:00Z"), s.time().orElseThrow());
    }

    @Test
    void aSchedulerInputIsScheduled() {
        Trigger.Scheduled s = assertInstanceOf(Trigger.Scheduled.class, fixture("tests/scheduler-input.json"));
        assertEquals("eventbridge-scheduler", s.source());
    }

    @Test
    void s3RecordsAreAllReadWithTheirKeysDecoded() {
        Trigger.ObjectsCreated created =
                assertInstanceOf(Trigger.ObjectsCreated.class, fixture("tests/s3-object-created.json"));
        assertEquals(
                List.of(
                        new ObjectRef("shelter-predictions", "wrangled/20261123T101500Z-3f9a/part-00000.csv"),
                        new ObjectRef("shelter-predictions", "wrangled/backfill 2026/11/part-00001.csv")),
                created.objects());
    }

    @Test
    void anHttpApiRequestCarriesItsDecodedBody() {
        Trigger.HttpRequest request =
                assertInstanceOf(Trigger.HttpRequest.class, fixture("tests/http-api-refresh.json"));
        assertEquals("POST", request.method());
        assertEquals("/refresh", request.path());
        assertEquals("20261123T101500Z-3f9a", request.jsonBody().get("runId").asText());
    }

    @Test
    void aDirectInvokeNamingAnObjectIsAnObjectToProcess() {
        Trigger.ObjectsCreated created =
                assertInstanceOf(Trigger.ObjectsCreated.class, fixture("tests/direct-object.json"));
        assertEquals(
                "predictions/20261123T101500Z-3f9a/part-00002.csv",
                created.objects().get(0).key());
    }

    @Test
    void anyOtherObjectIsADirectInvoke() {
        Trigger.Direct direct = assertInstanceOf(Trigger.Direct.class, fixture("wrangle-step/direct.json"));
        assertEquals("20261123T101500Z-3f9a", direct.text("runId").orElseThrow());
        assertTrue(
                assertInstanceOf(Trigger.Direct.class, json("{}")).text("runId").isEmpty());
        assertInstanceOf(Trigger.Direct.class, json("null"));
    }

    @Test
    void malformedEventsAreRefusedWithAReason() {
        assertTrue(assertThrows(InvalidTriggerException.class, () -> json("[1,2]"))
                .getMessage()
                .contains("must be a JSON object"));
        assertTrue(assertThrows(InvalidTriggerException.class, () -> json("{\"Records\":[]}"))
                .getMessage()
                .contains("Records is empty"));
        assertTrue(
                assertThrows(InvalidTriggerException.class, () -> json("{\"Records\":[{\"eventSource\":\"aws:sqs\"}]}"))
                        .getMessage()
                        .contains("record 0 is not an S3 event"));
        assertTrue(assertThrows(
                        InvalidTriggerException.class,
                        () -> json(
                                "{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectRemoved:Delete\"}]}"))
                .getMessage()
                .contains("not ObjectCreated"));
        assertTrue(assertThrows(InvalidTriggerException.class, () -> json("{\"bucket\":\"b\"}"))
                .getMessage()
                .contains("no key"));
        assertTrue(assertThrows(InvalidTriggerException.class, () -> json("{not json"))
                .getMessage()
                .contains("not JSON"));
    }

    @Test
    void aBuiltS3EventParsesBackToTheSameKeys() {
        List<String> keys =
                List.of("wrangled/20261123T101500Z-3f9a/part-00000.csv", "wrangled/odd name+ü/part-00001.csv");
        Trigger.ObjectsCreated created = assertInstanceOf(
                Trigger.ObjectsCreated.class, Trigger.parse(S3EventJson.objectCreated("shelter-predictions", keys)));
        assertEquals(keys, created.objects().stream().map(ObjectRef::key).toList());
        assertEquals("shelter-predictions", created.objects().get(1).bucket());
    }

    @Test
    void theFixturesAreTheEventShapesLambdaDelivers() {
        S3Event s3 = EventLoader.loadS3Event("events/tests/s3-object-created.json");
        assertEquals(
                "wrangled/backfill+2026%2F11/part-00001.csv",
                s3.getRecords().get(1).getS3().getObject().getKey());
        assertEquals(
                "shelter-predictions",
                s3.getRecords().get(0).getS3().getBucket().getName());
        ScheduledEvent scheduled = EventLoader.loadScheduledEvent("events/tests/eventbridge-scheduled.json");
        assertEquals("aws.events", scheduled.getSource());
        APIGatewayV2HTTPEvent http = EventLoader.loadApiGatewayHttpEvent("events/tests/http-api-refresh.json");
        assertEquals("POST", http.getRequestContext().getHttp().getMethod());
        assertEquals("POST /refresh", http.getRouteKey());
    }

    @Test
    void anObjectReferenceRoundTripsThroughItsUri() {
        ObjectRef ref = new ObjectRef("shelter-predictions", "predictions/20261123T101500Z-3f9a/part-00000.csv");
        assertEquals(ref, ObjectRef.fromUri(ref.toString()));
        assertThrows(InvalidTriggerException.class, () -> ObjectRef.fromUri("https://example.com/x"));
        assertThrows(InvalidTriggerException.class, () -> ObjectRef.fromUri("s3://bucket-only"));
    }
}
