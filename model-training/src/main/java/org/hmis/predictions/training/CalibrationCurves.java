package org.hmis.predictions.training;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.model.InvalidModelException;
import org.hmis.predictions.common.model.ModelManifest;

/**
 * Per class, how often a class happened among held-out rows given the probability the model gave it: one point per
 * non-empty bin of {@code bins} equal-width bins of that probability ([0, 0.1), [0.1, 0.2) ... [0.9, 1] for 10).
 * A calibrated model's points lie on the diagonal. {@code model.json} keeps it under {@code metrics.calibration}.
 *
 * @param bins the number of equal-width bins over [0, 1]
 * @param classes per class label, the points of its non-empty bins in bin order
 */
public record CalibrationCurves(
        @JsonProperty("bins") int bins,
        @JsonProperty("classes") Map<String, List<Point>> classes) {

    /** The key under {@code metrics}. */
    public static final String KEY = "calibration";

    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public CalibrationCurves {
        Map<String, List<Point>> copy = new LinkedHashMap<>();
        classes.forEach((label, points) -> copy.put(label, List.copyOf(points)));
        classes = Collections.unmodifiableMap(copy);
    }

    /**
     * One bin.
     *
     * @param bin the bin's index, 0 for the lowest probabilities
     * @param meanPredicted the mean probability the model gave the class in the bin
     * @param observed the share of the bin's rows whose actual class it is
     * @param rows rows in the bin
     */
    public record Point(
            @JsonProperty("bin") int bin,
            @JsonProperty("mean_predicted") double meanPredicted,
            @JsonProperty("observed") double observed,
            @JsonProperty("rows") long rows) {}

    /** As {@code model.json} keeps it. */
    public JsonNode toJson() {
        try {
            // Through text, so numbers take the node types reading model.json gives them and manifests compare equal.
            return JSON.readTree(JSON.writeValueAsString(this));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metrics are numbers, labels and maps: they always serialize", e);
        }
    }

    /**
     * The calibration curves of a manifest, when its trainer recorded them.
     *
     * @throws InvalidModelException when {@code metrics.calibration} is there but not as training writes it
     */
    public static Optional<CalibrationCurves> of(ModelManifest manifest) {
        JsonNode node = manifest.metrics().get(KEY);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.treeToValue(node, CalibrationCurves.class));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidModelException(
                    ModelManifest.FILE_NAME + ": 'metrics." + KEY + "' is not as training writes it: " + e.getMessage(),
                    e);
        }
    }
}
