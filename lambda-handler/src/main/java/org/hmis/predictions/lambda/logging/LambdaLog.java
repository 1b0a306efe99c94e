package org.hmis.predictions.lambda.logging;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.LambdaRuntime;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A named logger writing through {@link LambdaRuntime#getLogger()}: in Lambda that is the runtime's logger, which
 * makes each call one log event; elsewhere it prints to standard output, so a line ends each event there.
 */
final class LambdaLog extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    /** Set by Lambda in every execution environment; absent when the same code runs anywhere else. */
    private static final boolean IN_LAMBDA = System.getenv("AWS_LAMBDA_RUNTIME_API") != null;
    /** In JSON log format the runtime writes the level as a field of its own. */
    private static final boolean JSON_FORMAT = "JSON".equals(System.getenv("AWS_LAMBDA_LOG_FORMAT"));

    private final LambdaLogLevel threshold;
    private final String shortName;

    LambdaLog(String name, LambdaLogLevel threshold) {
        this.name = name;
        this.threshold = threshold;
        this.shortName = name.substring(name.lastIndexOf('.') + 1);
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(LambdaLogLevel.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(LambdaLogLevel.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(LambdaLogLevel.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(LambdaLogLevel.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(LambdaLogLevel.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
            Level level, Marker marker, String messagePattern, Object[] arguments, Throwable throwable) {
        LambdaLogLevel at = LambdaLogLevel.of(level);
        String message = format(JSON_FORMAT ? null : at, messagePattern, arguments, throwable);
        LambdaLogger logger = LambdaRuntime.getLogger();
        logger.log(IN_LAMBDA ? message : message + System.lineSeparator(), at.lambda());
    }

    /**
     * {@code LEVEL Logger - message} ({@code at} null: without the level), then the throwable's stack trace on the
     * following lines.
     */
    String format(LambdaLogLevel at, String messagePattern, Object[] arguments, Throwable throwable) {
        StringBuilder text = new StringBuilder(128);
        if (at != null) {
            text.append(at.name()).append(' ');
        }
        text.append(shortName).append(" - ").append(MessageFormatter.basicArrayFormat(messagePattern, arguments));
        if (throwable != null) {
            StringWriter trace = new StringWriter();
            throwable.printStackTrace(new PrintWriter(trace));
            text.append(System.lineSeparator()).append(trace.toString().stripTrailing());
        }
        return text.toString();
    }

    private boolean enabled(LambdaLogLevel level) {
        return level.compareTo(threshold) >= 0;
    }
}
