package org.hmis.predictions.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SqlIdentifierTest {

    @Test
    void plainAndSchemaQualifiedNamesAreQuoted() {
        assertEquals("\"guests\"", SqlIdentifier.of("guests").quoted());
        assertEquals("\"Intake\".\"Guests_2026\"", SqlIdentifier.of("Intake.Guests_2026").quoted());
        assertEquals("Guests_2026", SqlIdentifier.of("Intake.Guests_2026").name());
        assertEquals("Intake", SqlIdentifier.of("Intake.Guests_2026").schema());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "guests; DROP TABLE guests", "\"guests\"", "gue\"sts", "1guests", "a.b.c", "guests--",
            "x y", "guests)", "ab\u00e9", "a.", ".a",
            "a123456789012345678901234567890123456789012345678901234567890123"})
    void hostileOrMalformedNamesAreRefused(String raw) {
        assertThrows(IllegalArgumentException.class, () -> SqlIdentifier.of(raw));
    }
}
