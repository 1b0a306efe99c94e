package org.hmis.predictions.lambda.trigger;

import com.fasterxml.jackson.annotation.JsonValue;

/** An object a step is asked to process; the key is already URL-decoded. */
public record ObjectRef(String bucket, String key) {
    public ObjectRef {
        if (bucket == null || bucket.isBlank()) {
            throw new InvalidTriggerException("the object reference has no bucket");
        }
        if (key == null || key.isBlank()) {
            throw new InvalidTriggerException("the object reference has no key");
        }
    }

    /** The reference {@link #toString()} writes: {@code s3://bucket/key}. */
    public static ObjectRef fromUri(String uri) {
        if (uri == null || !uri.startsWith("s3://") || uri.indexOf('/', 5) < 0) {
            throw new InvalidTriggerException("'" + uri + "' is not an s3://bucket/key reference");
        }
        int slash = uri.indexOf('/', 5);
        return new ObjectRef(uri.substring(5, slash), uri.substring(slash + 1));
    }

    /** As {@code s3://bucket/key}, also in a step's JSON summary. */
    @JsonValue
    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
