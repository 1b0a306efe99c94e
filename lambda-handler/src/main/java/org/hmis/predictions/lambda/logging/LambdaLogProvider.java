package org.hmis.predictions.lambda.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * SLF4J's backend in the functions: every event goes to Lambda's own logger, which the runtime formats as the
 * function's log format says (one JSON object with timestamp, level, message and request id when it is JSON) and
 * keeps a multi-line stack trace in one event. It replaces Log4j 2, whose start-up was a large part of each cold start
 * (docs/benchmarks.md has the measurements). Found by SLF4J through {@code META-INF/services}.
 */
public final class LambdaLogProvider implements SLF4JServiceProvider {
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();
    private ILoggerFactory loggers;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        loggers = new LambdaLoggers(LambdaLogLevel.fromEnvironment(System.getenv()));
    }
}
