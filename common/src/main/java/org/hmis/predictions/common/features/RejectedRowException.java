package org.hmis.predictions.common.features;

/**
 * A row set aside because its key is missing or malformed; the message is the reason, fit for a run summary.
 * Rows are rejected rarely and counted by reason, so the exception carries no stack trace.
 */
public final class RejectedRowException extends Exception {
    public RejectedRowException(String reason) {
        super(reason, null, false, false);
    }

    public String reason() {
        return getMessage();
    }
}
