package org.hmis.predictions.common.s3;

import java.util.Map;

/** What a HEAD of an object tells: its ETag (without quotes), size and user metadata. */
public record StoredObject(String bucket, String key, String etag, long size, Map<String, String> metadata) {}
