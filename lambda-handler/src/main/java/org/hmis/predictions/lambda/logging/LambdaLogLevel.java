package org.hmis.predictions.lambda.logging;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import java.util.Locale;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * The least severe level logged: {@code AWS_LAMBDA_LOG_LEVEL}, which Lambda sets from the function's application log
 * level, else INFO. A value Lambda would not set is refused, naming the variable.
 */
enum LambdaLogLevel {
    TRACE(Level.TRACE, LogLevel.TRACE),
    DEBUG(Level.DEBUG, LogLevel.DEBUG),
    INFO(Level.INFO, LogLevel.INFO),
    WARN(Level.WARN, LogLevel.WARN),
    ERROR(Level.ERROR, LogLevel.ERROR);

    static final String VARIABLE = "AWS_LAMBDA_LOG_LEVEL";

    private final Level slf4j;
    private final LogLevel lambda;

    LambdaLogLevel(Level slf4j, LogLevel lambda) {
        this.slf4j = slf4j;
        this.lambda = lambda;
    }

    static LambdaLogLevel fromEnvironment(Map<String, String> environment) {
        String value = environment.get(VARIABLE);
        if (value == null || value.isBlank()) {
            return INFO;
        }
        String name = value.trim().toUpperCase(Locale.ROOT);
        // Lambda's FATAL has no SLF4J level: errors are the most severe events there are.
        if (name.equals("FATAL")) {
            return ERROR;
        }
        try {
            return valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    VARIABLE + " must be TRACE, DEBUG, INFO, WARN, ERROR or FATAL, was '" + value + "'", e);
        }
    }

    static LambdaLogLevel of(Level level) {
        for (LambdaLogLevel candidate : values()) {
            if (candidate.slf4j == level) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("no level for " + level);
    }

    LogLevel lambda() {
        return lambda;
    }
}
