package org.hmis.predictions.training;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.hmis.predictions.common.model.InvalidModelException;
import org.hmis.predictions.common.model.ModelManifest;

/**
 * How the model did on the held-out households overall and for each group of each attribute, as {@code model.json}
 * keeps it under {@code metrics.by_group}. Computed by {@link HeldOutAnalysis}, which says how each figure is defined.
 *
 * @param minGroupRows groups with fewer held-out rows are reported as too small, without figures
 * @param calibrationBins equal-width bins of predicted probability the calibration error is measured over
 * @param overall every held-out row
 * @param attributes per attribute (race, ethnicity, gender, household type, age band at entry), in report order
 */
public record GroupMetrics(
        @JsonProperty("min_group_rows") int minGroupRows,
        @JsonProperty("calibration_bins") int calibrationBins,
        @JsonProperty("overall") Scores overall,
        @JsonProperty("attributes") Map<String, AttributeMetrics> attributes) {

    /** The key under {@code metrics}. */
    public static final String KEY = "by_group";

    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public GroupMetrics {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /**
     * The figures of a set of rows. A group below {@code min_group_rows} has its row count only: {@code too_small} is
     * true and every figure is absent.
     *
     * @param rows held-out rows in the set
     * @param tooSmall true when the set is too small for its figures to mean anything
     * @param accuracy share of rows whose most likely class is the actual one
     * @param macroF1 unweighted mean of the five classes' F1 (a class neither present nor predicted scores 0)
     * @param recall per class, the share of its rows predicted as it; null when the set has no row of the class
     * @param sharePredictedPerm share of rows whose most likely class is {@code perm}
     * @param brier mean over rows of the squared distance between the probabilities and the actual class (0 to 2)
     * @param expectedCalibrationError how far the predicted class's probability is from how often it is right
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Scores(
            @JsonProperty("rows") long rows,
            @JsonProperty("too_small") boolean tooSmall,
            @JsonProperty("accuracy") Double accuracy,
            @JsonProperty("macro_f1") Double macroF1,
            @JsonProperty("recall") Map<String, Double> recall,
            @JsonProperty("share_predicted_perm") Double sharePredictedPerm,
            @JsonProperty("brier") Double brier,
            @JsonProperty("expected_calibration_error") Double expectedCalibrationError) {

        public Scores {
            if (recall != null) {
                recall = Collections.unmodifiableMap(new LinkedHashMap<>(recall));
            }
        }

        static Scores tooSmall(long rows) {
            return new Scores(rows, true, null, null, null, null, null, null);
        }
    }

    /**
     * One attribute's groups, largest first, and how far apart those with figures are.
     *
     * @param disparity null when fewer than two groups have figures
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttributeMetrics(
            @JsonProperty("groups") Map<String, Scores> groups,
            @JsonProperty("disparity") Disparity disparity) {
        public AttributeMetrics {
            groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
        }
    }

    /** The largest differences between an attribute's groups with figures. */
    public record Disparity(
            @JsonProperty("accuracy") Gap accuracy,
            @JsonProperty("share_predicted_perm") Gap sharePredictedPerm) {}

    /**
     * The highest and lowest value of a figure among the groups, their difference and their ratio.
     *
     * @param ratio lowest / highest, 1 when the groups are equal (read like the four-fifths rule: below 0.8 one group
     *     gets much less of it); null when the highest is 0
     */
    public record Gap(
            @JsonProperty("highest_group") String highestGroup,
            @JsonProperty("highest") double highest,
            @JsonProperty("lowest_group") String lowestGroup,
            @JsonProperty("lowest") double lowest,
            @JsonProperty("gap") double gap,
            @JsonProperty("ratio") Double ratio) {}

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
     * The metrics by group of a manifest, when its trainer recorded them.
     *
     * @throws InvalidModelException when {@code metrics.by_group} is there but not as training writes it
     */
    public static Optional<GroupMetrics> of(ModelManifest manifest) {
        JsonNode node = manifest.metrics().get(KEY);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.treeToValue(node, GroupMetrics.class));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidModelException(
                    ModelManifest.FILE_NAME + ": 'metrics." + KEY + "' is not as training writes it: " + e.getMessage(),
                    e);
        }
    }
}
