package org.hmis.predictions.lambda.trigger;

/** The invocation's payload is not one of the shapes a function accepts; the message says what was wrong. */
public final class InvalidTriggerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidTriggerException(String message) {
        super(message);
    }

    public InvalidTriggerException(String message, Throwable cause) {
        super(message, cause);
    }
}
