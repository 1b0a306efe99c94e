package org.hmis.predictions.common.trigger;

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

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
