package org.hmis.predictions.common.config;

/** A setting is missing or malformed; the message names the environment variable. */
public final class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }
}
