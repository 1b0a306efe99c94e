package org.hmis.predictions.common.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * {@code wrangled/<runId>/_manifest.json}: what a run's wrangle wrote, uploaded after its last part, so the run's
 * parts are known (and the run can be complete) only once all are written. Unknown fields are ignored when read.
 *
 * @param parts     every part, in order, with its rows
 * @param rows      guests in the parts
 * @param rejected  rows set aside in {@code rejected.csv} (missing, malformed or duplicate key)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunManifest(
        String runId, String featureSpecVersion, List<Part> parts, long rows, long rejected, String rejectedKey) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One part: its key, its data rows and the ETag S3 gave it (null in a manifest written before parts named
     * theirs), which a predictions part must name as its source.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Part(String key, long rows, String etag) {}

    public RunManifest {
        parts = List.copyOf(parts);
    }

    public byte[] toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a run manifest is always serializable", e);
        }
    }

    public static RunManifest fromJson(String json) {
        try {
            return JSON.readValue(json, RunManifest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a run manifest: " + e.getOriginalMessage(), e);
        }
    }
}
