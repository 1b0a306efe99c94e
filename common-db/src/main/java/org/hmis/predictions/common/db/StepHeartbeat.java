package org.hmis.predictions.common.db;

import java.time.Instant;

/**
 * A step seen working on a run ({@code run_heartbeats}): the step, its part (a predictions part's key for update, ""
 * for wrangle), when it was seen, and until when its invocation may run.
 */
public record StepHeartbeat(String step, String part, Instant at, Instant until) {}
