package org.hmis.predictions.localservices;

import java.util.Optional;

/** Settings for the test services: a system property of the same name wins over the environment variable. */
final class Settings {
    private Settings() {}

    static Optional<String> get(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }
}
