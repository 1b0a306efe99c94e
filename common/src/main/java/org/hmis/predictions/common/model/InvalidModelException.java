package org.hmis.predictions.common.model;

/**
 * A model artifact ({@code model.txt} or {@code model.json}) that cannot be used: unreadable, malformed, or
 * not matching its counterpart. The message names the file and the difference.
 */
public final class InvalidModelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
