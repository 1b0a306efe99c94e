package org.hmis.predictions.localservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StartedOnceTest {

    @Test
    void startsOnFirstUseOnlyAndHandsOutTheSameService() {
        AtomicInteger starts = new AtomicInteger();
        StartedOnce<Object> service = new StartedOnce<>(() -> {
            starts.incrementAndGet();
            return new Object();
        });
        assertEquals(0, starts.get());

        Object first = service.get();

        assertSame(first, service.get());
        assertEquals(1, starts.get());
    }

    @Test
    void aFailedStartIsNotTriedAgainAndEveryUseGetsItsReason() {
        AtomicInteger starts = new AtomicInteger();
        StartedOnce<Object> service = new StartedOnce<>(() -> {
            starts.incrementAndGet();
            throw new ServiceStartException("initdb failed: disk full");
        });

        assertEquals(
                "initdb failed: disk full",
                assertThrows(ServiceStartException.class, service::get).getMessage());
        assertEquals(
                "initdb failed: disk full",
                assertThrows(ServiceStartException.class, service::get).getMessage());
        assertEquals(1, starts.get());
    }
}
