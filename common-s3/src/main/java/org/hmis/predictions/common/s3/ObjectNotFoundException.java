package org.hmis.predictions.common.s3;

/** The object a step was told to read does not exist; the message names bucket and key. */
public final class ObjectNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ObjectNotFoundException(String bucket, String key, Throwable cause) {
        super("s3://" + bucket + "/" + key + " does not exist", cause);
    }
}
