package org.hmis.predictions.lambda.logging;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.List;
import org.slf4j.MDC;

/**
 * The fields every log line of an invocation carries beside the event's own (timestamp, level, message): set in the
 * logging context (SLF4J's MDC, which the JSON layout of {@code log4j2-lambda.properties} writes as fields) when the
 * invocation starts and removed when it ends, so a run's lines are found by field across the four functions.
 * {@link org.hmis.predictions.lambda.StepHandler} sets them; nothing else needs to.
 */
public final class InvocationFields {
    /** Lambda's id of the invocation. */
    public static final String REQUEST_ID = "requestId";
    /** The function's version ({@code $LATEST} or the published number SnapStart runs). */
    public static final String FUNCTION_VERSION = "functionVersion";
    /** {@code true} on the first invocation of a container (a new one, or one restored from SnapStart's snapshot). */
    public static final String COLD_START = "coldStart";
    /** The step the function runs: remove, wrangle, predict or update. */
    public static final String STEP = "step";
    /** The run the invocation works for. */
    public static final String RUN_ID = "runId";
    /** The S3 key of the part the invocation works on (predict and update). */
    public static final String PART_KEY = "partKey";

    private static final List<String> ALL = List.of(REQUEST_ID, FUNCTION_VERSION, COLD_START, STEP, RUN_ID, PART_KEY);

    private InvocationFields() {}

    /** The fields known when an invocation starts; {@code context} is null outside Lambda. */
    public static void begin(Context context, String step, boolean coldStart) {
        if (context != null) {
            put(REQUEST_ID, context.getAwsRequestId());
            put(FUNCTION_VERSION, context.getFunctionVersion());
        }
        put(COLD_START, String.valueOf(coldStart));
        put(STEP, step);
    }

    /** The run and part the invocation's step works on, once its request is read. */
    public static void about(RunFields run) {
        put(RUN_ID, run.runId());
        put(PART_KEY, run.partKey());
    }

    /** Removes every field, so nothing of this invocation is on the next one's lines. */
    public static void end() {
        ALL.forEach(MDC::remove);
    }

    private static void put(String key, String value) {
        if (value != null && !value.isBlank()) {
            MDC.put(key, value);
        }
    }
}
