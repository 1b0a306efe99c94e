package org.hmis.predictions.common.db;

/** A run was not started, and why: its id is not acceptable, or the run was already started. */
public final class RunRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a run was refused; POST /refresh answers 400 for {@link #BAD_TIME} and 409 for the others. */
    public enum Reason {
        /** A caller's run id whose time is not within the window around the database's clock. */
        BAD_TIME,
        /** A run id that the database has already seen wrangled (or completed). */
        ALREADY_USED,
        /** A run id another invocation is wrangling at this moment. */
        IN_PROGRESS
    }

    private final Reason reason;

    public RunRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
