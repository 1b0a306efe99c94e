package org.hmis.predictions.common.s3;

/**
 * An S3 request that failed, named by what it was: the operation, the bucket and the key or prefix, e.g.
 * {@code S3 PutObject s3://bucket/wrangled/<run>/part-00000.csv failed: Unable to execute HTTP request: ...}. The
 * SDK's own message names neither, and it is what a run's recorded error and {@code status} show.
 */
public final class ObjectStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ObjectStoreException(String operation, String bucket, String key, Exception cause) {
        super("S3 " + operation + " s3://" + bucket + "/" + key + " failed: " + cause.getMessage(), cause);
    }
}
