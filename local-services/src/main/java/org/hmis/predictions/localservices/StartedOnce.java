package org.hmis.predictions.localservices;

import java.util.function.Supplier;

/**
 * A service started at most once per JVM, on first use; a failed start is remembered, so every later test class
 * fails at once with the same reason instead of trying again.
 */
final class StartedOnce<T> {
    private final Supplier<T> start;
    private T service;
    private RuntimeException failure;

    StartedOnce(Supplier<T> start) {
        this.start = start;
    }

    synchronized T get() {
        if (service == null && failure == null) {
            try {
                service = start.get();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw new ServiceStartException(failure.getMessage(), failure);
        }
        return service;
    }
}
