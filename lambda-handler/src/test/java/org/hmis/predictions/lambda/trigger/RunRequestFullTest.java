package org.hmis.predictions.lambda.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A direct invoke's {@code "full": true} asks for a full refresh; nothing else does. */
class RunRequestFullTest {
    private static RunRequest request(String json) {
        return RunRequest.of(
                Trigger.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))), "wrangle", "wrangle");
    }

    @Test
    void aDirectInvokeAsksForAFullRefreshWithTrue() {
        assertTrue(request("{\"full\": true}").full());
        RunRequest named = request("{\"runId\": \"20261123T101500Z-3f9a\", \"full\": true}");
        assertTrue(named.full());
        assertEquals("20261123T101500Z-3f9a", named.runId().value());
        assertEquals(RunRequest.Origin.CALLER, named.origin());
    }

    @Test
    void withoutTheFieldOrWithFalseARunRescoresOnlyWhatChanged() {
        assertFalse(request("{}").full());
        assertFalse(request("{\"full\": false}").full());
        assertFalse(request("{\"full\": null}").full());
        assertFalse(request("{\"trigger\":\"schedule\",\"scheduledTime\":\"2026-11-23T06:00:00Z\"}")
                .full());
        assertFalse(RunRequest.fromSchedule(Instant.parse("2026-11-23T06:00:00Z"), "wrangle")
                .full());
    }

    @Test
    void aFullThatIsNotABooleanIsRefusedNamingTheField() {
        InvalidTriggerException e = assertThrows(InvalidTriggerException.class, () -> request("{\"full\": \"yes\"}"));
        assertEquals("full must be true or false, was \"yes\"", e.getMessage());
    }
}
