package org.hmis.predictions.predict;

/** The model {@code MODEL_NAME} names is not in the bucket; the message names the object and how to put one there. */
public final class ModelNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelNotFoundException(String message) {
        super(message);
    }
}
