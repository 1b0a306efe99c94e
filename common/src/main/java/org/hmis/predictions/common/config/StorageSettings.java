package org.hmis.predictions.common.config;

import java.net.URI;
import java.util.Optional;

/**
 * Where the pipeline's objects live. {@code inputBucket} holds models and wrangled parts, {@code outputBucket}
 * receives predictions; both are {@code S3_BUCKET} unless the original origin/destination split is configured.
 * An endpoint means an S3-compatible server, reached with path-style addressing.
 */
public record StorageSettings(String inputBucket, String outputBucket, String region, Optional<URI> endpoint) {
}
