package org.hmis.predictions.lambda;

/** The invocation's time ran out (see {@link Deadline}); the step stopped and recorded why. */
public final class OutOfTimeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OutOfTimeException(String message) {
        super(message);
    }

    public OutOfTimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
