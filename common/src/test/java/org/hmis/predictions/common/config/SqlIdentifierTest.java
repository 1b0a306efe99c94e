package org.hmis.predictions.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlIdentifierTest {

    @Test
    void plainAndSchemaQualifiedNamesAreQuoted() {
        assertEquals("\"guests\"", SqlIdentifier.of("guests").quoted());
        assertEquals(
                "\"Intake\".\"Guests_2026\"",
                SqlIdentifier.of("Intake.Guests_2026").quoted());
        assertEquals("Guests_2026", SqlIdentifier.of("Intake.Guests_2026").name());
        assertEquals("Intake", SqlIdentifier.of("Intake.Guests_2026").schema());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "guests; DROP TABLE guests",
                "\"guests\"",
                "gue\"sts",
                "1guests",
                "a.b.c",
                "guests--",
                "x y",
                "guests)",
                "ab\u00e9",
                "a.",
                ".a",
                "a123456789012345678901234567890123456789012345678901234567890123"
            })
    void hostileOrMalformedNamesAreRefused(String raw) {
        assertThrows(IllegalArgumentException.class, () -> SqlIdentifier.of(raw));
    }

    @Test
    void theErrorNamesTheRefusedValue() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SqlIdentifier.of("guests; DROP TABLE x"));
        assertTrue(e.getMessage().contains("'guests; DROP TABLE x'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SqlIdentifier.of(null));
    }

    @Test
    void theLongestNamePostgresqlKeepsIsAccepted() {
        String longest = "_" + "a1".repeat(31);
        assertEquals(63, longest.length());
        assertEquals('"' + longest + '"', SqlIdentifier.of(longest).quoted());
        assertEquals("public." + longest, SqlIdentifier.of("public." + longest).toString());
    }
}
