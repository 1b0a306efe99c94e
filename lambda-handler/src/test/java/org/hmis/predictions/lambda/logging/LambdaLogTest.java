package org.hmis.predictions.lambda.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LambdaLogTest {

    @Test
    void slf4jFindsTheLambdaLoggerAsItsBackend() {
        assertEquals(
                LambdaLog.class, LoggerFactory.getLogger("org.example.Step").getClass());
    }

    @Test
    void theLevelComesFromLambdasVariableAndDefaultsToInfo() {
        assertEquals(LambdaLogLevel.INFO, LambdaLogLevel.fromEnvironment(Map.of()));
        assertEquals(LambdaLogLevel.DEBUG, LambdaLogLevel.fromEnvironment(Map.of("AWS_LAMBDA_LOG_LEVEL", "debug")));
        assertEquals(LambdaLogLevel.ERROR, LambdaLogLevel.fromEnvironment(Map.of("AWS_LAMBDA_LOG_LEVEL", "FATAL")));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> LambdaLogLevel.fromEnvironment(Map.of("AWS_LAMBDA_LOG_LEVEL", "LOUD")));
        assertTrue(e.getMessage().startsWith("AWS_LAMBDA_LOG_LEVEL must be"), e.getMessage());
    }

    @Test
    void eventsBelowTheThresholdAreNotEnabled() {
        LambdaLog warnOnly = new LambdaLog("org.example.Step", LambdaLogLevel.WARN);
        assertFalse(warnOnly.isInfoEnabled());
        assertFalse(warnOnly.isDebugEnabled());
        assertTrue(warnOnly.isWarnEnabled());
        assertTrue(warnOnly.isErrorEnabled());
    }

    @Test
    void anEventIsItsLevelLoggerAndMessageThenTheStackTraceInOneText() {
        LambdaLog log = new LambdaLog("org.example.UpdateDbStep", LambdaLogLevel.INFO);
        assertEquals(
                "WARN UpdateDbStep - run 42: 3 unmatched",
                log.format(LambdaLogLevel.WARN, "run {}: {} unmatched", new Object[] {42, 3}, null));
        assertEquals("UpdateDbStep - no level in JSON", log.format(null, "no level in JSON", new Object[0], null));
        String withTrace =
                log.format(LambdaLogLevel.ERROR, "failed", new Object[0], new IllegalStateException("the part is bad"));
        assertTrue(
                withTrace.startsWith("ERROR UpdateDbStep - failed" + System.lineSeparator()
                        + "java.lang.IllegalStateException: the part is bad"),
                withTrace);
        assertTrue(withTrace.contains("\tat org.hmis.predictions.lambda.logging.LambdaLogTest"), withTrace);
    }
}
