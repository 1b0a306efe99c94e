package org.hmis.predictions.common.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunIdTest {
    private static String refusal(String value) {
        return assertThrows(IllegalArgumentException.class, () -> RunId.parse(value))
                .getMessage();
    }

    @Test
    void digitsThatNameNoTimeAreRefusedNamingTheRunIdAndTheField() {
        assertEquals(
                "run id '20261323T101500Z-3f9a' names no UTC time: its timestamp has month 13 (a month is 01 to 12)",
                refusal("20261323T101500Z-3f9a"));
        assertEquals(
                "run id '20260230T101500Z-3f9a' names no UTC time: its timestamp has day 30 (2026-02 has days 01 to"
                        + " 28)",
                refusal("20260230T101500Z-3f9a"));
        assertEquals(
                "run id '20261123T241500Z-3f9a' names no UTC time: its timestamp has hour 24 (an hour is 00 to 23)",
                refusal("20261123T241500Z-3f9a"));
        assertEquals(
                "run id '20261123T106000Z-3f9a' names no UTC time: its timestamp has minute 60 (a minute is 00 to 59)",
                refusal("20261123T106000Z-3f9a"));
        assertEquals(
                "run id '20261100T101500Z-3f9a' names no UTC time: its timestamp has day 00 (2026-11 has days 01 to"
                        + " 30)",
                refusal("20261100T101500Z-3f9a"));
    }

    @Test
    void aRealTimeParsesToItsStamp() {
        assertEquals(
                Instant.parse("2028-02-29T23:59:59Z"),
                RunId.parse("20280229T235959Z-0000").stamp());
    }
}
