package org.hmis.predictions.lambda.logging;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/** One {@link LambdaLog} per name, all at the level the function's configuration sets. */
final class LambdaLoggers implements ILoggerFactory {
    private final LambdaLogLevel threshold;
    private final ConcurrentMap<String, Logger> byName = new ConcurrentHashMap<>();

    LambdaLoggers(LambdaLogLevel threshold) {
        this.threshold = threshold;
    }

    @Override
    public Logger getLogger(String name) {
        return byName.computeIfAbsent(name, n -> new LambdaLog(n, threshold));
    }
}
