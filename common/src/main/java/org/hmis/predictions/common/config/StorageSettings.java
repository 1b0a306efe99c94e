package org.hmis.predictions.common.config;

import java.net.URI;
import java.util.Optional;

/**
 * Where the pipeline's objects live. {@code inputBucket} holds models and wrangled parts, {@code outputBucket}
 * receives predictions; both are {@code S3_BUCKET} unless the original origin/destination split is configured.
 * An endpoint means an S3-compatible server, reached with path-style addressing. Keys given in the
 * configuration are used as they are; without them the SDK's default chain finds the function's role.
 */
public record StorageSettings(
        String inputBucket,
        String outputBucket,
        String region,
        Optional<URI> endpoint,
        Optional<AccessKeys> accessKeys) {

    /** Static credentials; {@code sessionToken} may be null. */
    public record AccessKeys(String accessKeyId, String secretAccessKey, String sessionToken) {
        @Override
        public String toString() {
            return "AccessKeys[" + accessKeyId + "]";
        }
    }
}
