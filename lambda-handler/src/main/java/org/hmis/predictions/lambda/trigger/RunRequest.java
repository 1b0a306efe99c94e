package org.hmis.predictions.lambda.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.hmis.predictions.common.run.RunId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run to start, and where its id came from, which decides how the id is checked (docs/architecture.md, "A run"):
 * <ul>
 *   <li>{@link Origin#MADE_HERE}: made by this process ({@link RunId#newRun()}), new by construction;</li>
 *   <li>{@link Origin#CALLER}: given by a caller (POST /refresh, a direct invoke, {@code run --run-id}): accepted only
 *       if the database has never started it and its time is within 15 minutes of the database's clock;</li>
 *   <li>{@link Origin#SCHEDULE}: derived from a schedule's time ({@link RunId#forSchedule}): a second delivery of
 *       the same schedule finds its run and does nothing.</li>
 * </ul>
 *
 * <p>{@code full} asks for every current guest to be predicted again, not only those whose prediction would change
 * (a direct invoke's {@code "full": true}, {@code run --full}).
 */
public record RunRequest(RunId runId, Origin origin, boolean full) {
    private static final Logger LOG = LoggerFactory.getLogger(RunRequest.class);
    private static final String RUN_ID = "runId";
    private static final String FULL = "full";

    /** Where a run id came from. */
    public enum Origin {
        MADE_HERE,
        CALLER,
        SCHEDULE
    }

    public RunRequest {
        if (runId == null || origin == null) {
            throw new IllegalArgumentException("a run request needs a run id and its origin");
        }
    }

    /** A run that predicts only the guests whose prediction would change. */
    public RunRequest(RunId runId, Origin origin) {
        this(runId, origin, false);
    }

    /** The same run, predicting every current guest again when {@code full}. */
    public RunRequest withFull(boolean full) {
        return new RunRequest(runId, origin, full);
    }

    /** A new run under an id made now. */
    public static RunRequest newRun() {
        return new RunRequest(RunId.newRun(), Origin.MADE_HERE);
    }

    /** A run under an id this process made (tests and benchmarks name theirs). */
    public static RunRequest madeHere(RunId runId) {
        return new RunRequest(runId, Origin.MADE_HERE);
    }

    public static RunRequest fromCaller(RunId runId) {
        return new RunRequest(runId, Origin.CALLER);
    }

    /** The run of the schedule due at {@code scheduledTime}, for the step named {@code purpose}. */
    public static RunRequest fromSchedule(Instant scheduledTime, String purpose) {
        return new RunRequest(RunId.forSchedule(scheduledTime, purpose), Origin.SCHEDULE);
    }

    /**
     * The run a schedule or a direct invoke asks for: a schedule's derived id (a new one when the event carries no
     * time), a direct invoke's {@code runId}, else a new id. {@code purpose} is the step, as in
     * {@link RunId#forSchedule}; other triggers are refused naming {@code function}.
     */
    public static RunRequest of(Trigger trigger, String purpose, String function) {
        if (trigger instanceof Trigger.Scheduled scheduled) {
            if (scheduled.time().isEmpty()) {
                // Retries of such an event cannot be recognised; the template's schedules always send the time.
                RunRequest fresh = newRun();
                LOG.warn(
                        "the {} schedule event has no time: run {} cannot be matched with its retries",
                        scheduled.source(),
                        fresh.runId());
                return fresh;
            }
            return fromSchedule(scheduled.time().get(), purpose);
        }
        if (trigger instanceof Trigger.Direct direct) {
            RunRequest request =
                    direct.text(RUN_ID).map(RunRequest::parseCallerRunId).orElseGet(RunRequest::newRun);
            return request.withFull(full(direct));
        }
        throw new InvalidTriggerException(function + " takes a schedule or a direct invoke, not "
                + trigger.getClass().getSimpleName());
    }

    /** A direct invoke's {@code full}: absent is false; anything but a JSON boolean is refused naming the field. */
    private static boolean full(Trigger.Direct direct) {
        JsonNode node = direct.payload().get(FULL);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new InvalidTriggerException(FULL + " must be true or false, was " + node);
        }
        return node.booleanValue();
    }

    /** A caller's run id; a malformed one is refused naming the field. */
    public static RunRequest parseCallerRunId(String text) {
        try {
            return fromCaller(RunId.parse(text));
        } catch (IllegalArgumentException e) {
            throw new InvalidTriggerException(RUN_ID + ": " + e.getMessage(), e);
        }
    }
}
