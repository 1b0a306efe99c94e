package org.hmis.predictions.update;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class GuestKeySetTest {

    @Test
    void aRepeatedKeyAnswersTheLineItWasFirstSeenOn() {
        GuestKeySet keys = new GuestKeySet();
        assertEquals(0, keys.add(42, LocalDate.of(2026, 1, 5), 2));
        assertEquals(0, keys.add(42, LocalDate.of(2026, 1, 6), 3), "the same guest on another date is another key");
        assertEquals(0, keys.add(43, LocalDate.of(2026, 1, 5), 4));
        assertEquals(0, keys.add(-42, LocalDate.of(2026, 1, 5), 5));
        assertEquals(2, keys.add(42, LocalDate.of(2026, 1, 5), 6));
        assertEquals(5, keys.add(-42, LocalDate.of(2026, 1, 5), 7));
        assertEquals(4, keys.size());
    }

    @Test
    void keepsEveryKeyAcrossGrowth() {
        GuestKeySet keys = new GuestKeySet();
        LocalDate start = LocalDate.of(1, 1, 1);
        for (int i = 0; i < 100_000; i++) {
            assertEquals(0, keys.add(i % 1000, start.plusDays(i / 1000 * 3653L), i + 2));
        }
        assertEquals(100_000, keys.size());
        for (int i = 0; i < 100_000; i += 997) {
            assertEquals(i + 2, keys.add(i % 1000, start.plusDays(i / 1000 * 3653L), 200_000));
        }
        assertEquals(0, keys.add(0, LocalDate.of(9999, 12, 31), 200_001));
    }
}
