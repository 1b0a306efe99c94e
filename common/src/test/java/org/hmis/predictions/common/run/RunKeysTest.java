package org.hmis.predictions.common.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunKeysTest {
    private final RunId run = RunId.parse("20261123T101500Z-3f9a");

    @Test
    void keysFollowTheDesignLayout() {
        assertEquals(
                "wrangled/20261123T101500Z-3f9a/part-00000.csv",
                RunKeys.wrangledPart(run, 0).key());
        assertEquals(
                "predictions/20261123T101500Z-3f9a/part-00012.csv",
                RunKeys.predictionsPart(run, 12).key());
        assertEquals("wrangled/20261123T101500Z-3f9a/rejected.csv", RunKeys.rejectedKey(run));
        assertEquals("models/exit-v1/model.txt", RunKeys.modelKey("exit-v1"));
        assertEquals("models/exit-v1/model.json", RunKeys.manifestKey("exit-v1"));
        assertEquals("wrangled/20261123T101500Z-3f9a/", RunKeys.wrangledRunPrefix(run));
    }

    @Test
    void aPartKeyParsesBackAndMovesToTheNextStage() {
        RunKeys.Part part =
                RunKeys.requirePart("wrangled/20261123T101500Z-3f9a/part-00007.csv", RunKeys.Stage.WRANGLED);
        assertEquals(run, part.runId());
        assertEquals(7, part.number());
        assertEquals(
                "predictions/20261123T101500Z-3f9a/part-00007.csv",
                part.asPredictions().key());
        assertTrue(RunKeys.parsePart(RunKeys.rejectedKey(run)).isEmpty());
        assertTrue(
                RunKeys.parsePart("wrangled/20261123T101500Z-3f9a/part-7.csv").isEmpty());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> RunKeys.requirePart("predictions/20261123T101500Z-3f9a/part-00007.csv", RunKeys.Stage.WRANGLED));
        assertTrue(e.getMessage().contains("is not a wrangled part key"), e.getMessage());
    }

    @Test
    void runIdsSortInTimeOrderAndRefuseOtherShapes() {
        RunId earlier = RunId.newAt(Instant.parse("2026-11-23T10:15:00Z"));
        RunId later = RunId.newAt(Instant.parse("2026-11-23T10:15:01Z"));
        assertTrue(earlier.compareTo(later) < 0);
        assertTrue(earlier.value().startsWith("20261123T101500Z-"));
        assertEquals(Instant.parse("2026-11-23T10:15:00Z"), earlier.stamp());
        assertThrows(IllegalArgumentException.class, () -> RunId.parse("../../etc"));
        assertThrows(IllegalArgumentException.class, () -> RunId.parse("20261123T101500Z"));
    }
}
