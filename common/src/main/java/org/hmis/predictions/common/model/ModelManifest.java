package org.hmis.predictions.common.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hmis.predictions.common.drift.DriftBaseline;
import org.hmis.predictions.common.features.ExitDestinationClasses;

/**
 * What {@code model.json} says about the LightGBM model next to it: the features it expects in order, the class
 * each output index stands for, how it was trained and how well it did on held-out households. Every instance is
 * valid; reading a manifest that is not fails with an {@link InvalidModelException} naming the problem.
 *
 * @param modelName the name under {@code models/} in the bucket
 * @param featureSpecVersion the version of the feature specification the features come from, e.g. {@code v1}
 * @param features feature names in the model's column order
 * @param classLabels class labels in output index order; always {@link ExitDestinationClasses#LABELS}
 * @param trainedAt when training finished
 * @param trainRows rows the model was trained on
 * @param testRows held-out rows the metrics were measured on
 * @param metrics scores on the held-out rows, as training wrote them: predicting does not read them, so they are
 *     kept as JSON and a newer trainer's additions pass through
 * @param lightGbmParameters the LightGBM parameters used for training, in the order given
 * @param driftBaseline the training rows' distribution of every feature, in {@code features} order, that current
 *     guests are compared with; {@code null} for a model trained before training recorded it (the field is then
 *     left out of {@code model.json})
 * @param riskModel the binary model of the risk beside the five-class one, whose contributions are the reasons;
 *     {@code null} for a model trained before training made one (predict then writes no reasons)
 */
public record ModelManifest(
        @JsonProperty("model_name") String modelName,
        @JsonProperty("feature_spec_version") String featureSpecVersion,
        @JsonProperty("features") List<String> features,
        @JsonProperty("class_labels") List<String> classLabels,
        @JsonProperty("trained_at") Instant trainedAt,
        @JsonProperty("train_rows") long trainRows,
        @JsonProperty("test_rows") long testRows,
        @JsonProperty("metrics") JsonNode metrics,
        @JsonProperty("lightgbm_parameters") Map<String, String> lightGbmParameters,

        @JsonProperty("drift_baseline") @JsonInclude(JsonInclude.Include.NON_NULL)
        DriftBaseline driftBaseline,

        @JsonProperty("risk_model") @JsonInclude(JsonInclude.Include.NON_NULL)
        RiskModel riskModel) {

    /**
     * The risk model named by a manifest: a LightGBM binary model in {@code file} next to {@code model.txt}, trained
     * on the same rows and features, whose output is the chance that a household does not reach permanent housing:
     * its label is 1 for every class of {@code positiveClasses}. Its raw score is the log-odds of that risk, and its
     * exact contributions add up to it: they are what the reasons say.
     *
     * @param file the object's name under {@code models/<name>/}, such as {@value #DEFAULT_FILE}
     * @param positiveClasses the classes the risk is the chance of: every class but {@code perm}
     */
    public record RiskModel(
            @JsonProperty("file") String file,
            @JsonProperty("positive_classes") List<String> positiveClasses) {
        public static final String DEFAULT_FILE = "risk-model.txt";

        public RiskModel {
            requireText("risk_model.file", file);
            if (file.contains("/") || file.equals(FILE_NAME) || file.equals("model.txt")) {
                throw new IllegalArgumentException(
                        "'risk_model.file' should name an object beside model.txt, found '" + file + "'");
            }
            if (positiveClasses == null
                    || positiveClasses.isEmpty()
                    || !ExitDestinationClasses.LABELS.containsAll(positiveClasses)
                    || new HashSet<>(positiveClasses).size() != positiveClasses.size()) {
                throw new IllegalArgumentException("'risk_model.positive_classes' should be distinct classes of "
                        + ExitDestinationClasses.LABELS + ", found " + positiveClasses);
            }
            positiveClasses = List.copyOf(positiveClasses);
        }

        /** The risk of not reaching permanent housing: every class but {@code perm}. */
        public static RiskModel notPermanentHousing() {
            return new RiskModel(
                    DEFAULT_FILE,
                    ExitDestinationClasses.LABELS.stream()
                            .filter(label -> !label.equals("perm"))
                            .toList());
        }
    }

    /** The file name next to {@code model.txt}. */
    public static final String FILE_NAME = "model.json";

    private static final String DRIFT_BASELINE = "drift_baseline";
    private static final String RISK_MODEL = "risk_model";

    /** Characters LightGBM refuses or rewrites in feature names, so a name holding one could never match. */
    private static final String FORBIDDEN_IN_FEATURE_NAMES = "\"',:[]{}";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // A newer trainer may add fields; an older predict step still reads the ones it knows.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    public ModelManifest {
        requireText("model_name", modelName);
        requireText("feature_spec_version", featureSpecVersion);
        features = checkFeatureNames(features);
        if (classLabels == null || !classLabels.equals(ExitDestinationClasses.LABELS)) {
            throw new IllegalArgumentException("'class_labels' should be " + ExitDestinationClasses.LABELS
                    + " in this order, found "
                    + classLabels);
        }
        classLabels = ExitDestinationClasses.LABELS;
        if (trainedAt == null) {
            throw new IllegalArgumentException("'trained_at' is missing");
        }
        if (trainRows <= 0) {
            throw new IllegalArgumentException("'train_rows' should be positive, found " + trainRows);
        }
        if (testRows <= 0) {
            throw new IllegalArgumentException("'test_rows' should be positive, found " + testRows);
        }
        if (metrics == null || !metrics.isObject()) {
            throw new IllegalArgumentException("'metrics' is missing or not an object");
        }
        metrics = metrics.deepCopy();
        if (lightGbmParameters == null) {
            throw new IllegalArgumentException("'lightgbm_parameters' is missing");
        }
        lightGbmParameters = Collections.unmodifiableMap(new LinkedHashMap<>(lightGbmParameters));
        if (driftBaseline != null && !driftBaseline.featureNames().equals(features)) {
            throw new IllegalArgumentException("'" + DRIFT_BASELINE + "' should describe the features " + features
                    + " in this order, found " + driftBaseline.featureNames());
        }
    }

    /** A manifest without a risk model. */
    public ModelManifest(
            String modelName,
            String featureSpecVersion,
            List<String> features,
            List<String> classLabels,
            Instant trainedAt,
            long trainRows,
            long testRows,
            JsonNode metrics,
            Map<String, String> lightGbmParameters,
            DriftBaseline driftBaseline) {
        this(
                modelName,
                featureSpecVersion,
                features,
                classLabels,
                trainedAt,
                trainRows,
                testRows,
                metrics,
                lightGbmParameters,
                driftBaseline,
                null);
    }

    /** This manifest naming {@code riskModel}. */
    public ModelManifest withRiskModel(RiskModel riskModel) {
        return new ModelManifest(
                modelName,
                featureSpecVersion,
                features,
                classLabels,
                trainedAt,
                trainRows,
                testRows,
                metrics,
                lightGbmParameters,
                driftBaseline,
                riskModel);
    }

    /** The risk model, when training made one. */
    public Optional<RiskModel> risk() {
        return Optional.ofNullable(riskModel);
    }

    /** A manifest without a drift baseline. */
    public ModelManifest(
            String modelName,
            String featureSpecVersion,
            List<String> features,
            List<String> classLabels,
            Instant trainedAt,
            long trainRows,
            long testRows,
            JsonNode metrics,
            Map<String, String> lightGbmParameters) {
        this(
                modelName,
                featureSpecVersion,
                features,
                classLabels,
                trainedAt,
                trainRows,
                testRows,
                metrics,
                lightGbmParameters,
                null,
                null);
    }

    /** The drift baseline, when training recorded one. */
    public Optional<DriftBaseline> drift() {
        return Optional.ofNullable(driftBaseline);
    }

    /** Reads and checks {@code model.json}. */
    public static ModelManifest fromJson(String json) {
        if (json == null || json.isBlank()) {
            throw new InvalidModelException(FILE_NAME + " is empty");
        }
        try {
            JsonNode tree = JSON.readTree(json);
            // Every other field is required; a model trained before drift baselines has none, and is still a model.
            // Neither has a model trained before risk models.
            if (tree instanceof ObjectNode object) {
                for (String optional : List.of(DRIFT_BASELINE, RISK_MODEL)) {
                    if (!object.has(optional)) {
                        object.putNull(optional);
                    }
                }
            }
            return JSON.treeToValue(tree, ModelManifest.class);
        } catch (JsonProcessingException e) {
            throw new InvalidModelException(FILE_NAME + " is not a valid model manifest: " + describe(e), e);
        }
    }

    /** The manifest as {@code model.json} text. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + FILE_NAME + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Checks feature names as LightGBM will keep them; returns an unmodifiable copy. */
    public static List<String> checkFeatureNames(List<String> features) {
        if (features == null || features.isEmpty()) {
            throw new IllegalArgumentException("'features' is missing or empty");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < features.size(); i++) {
            String name = features.get(i);
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("'features' [" + i + "] is blank");
            }
            for (int c = 0; c < name.length(); c++) {
                char ch = name.charAt(c);
                if (Character.isWhitespace(ch) || FORBIDDEN_IN_FEATURE_NAMES.indexOf(ch) >= 0) {
                    throw new IllegalArgumentException("'features' [" + i + "] '" + name + "' contains '" + ch
                            + "', which LightGBM does not keep in feature names");
                }
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("'features' [" + i + "] '" + name + "' appears twice");
            }
        }
        return List.copyOf(features);
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("'" + name + "' is missing or blank");
        }
    }

    /** Our own validation message if that is what failed, else Jackson's, with where in the JSON. */
    private static String describe(JsonProcessingException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IllegalArgumentException) {
                return cause.getMessage();
            }
        }
        StringBuilder message = new StringBuilder(e.getOriginalMessage());
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            message.append(" (at ").append(path(mapping.getPath())).append(')');
        }
        JsonLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0) {
            message.append(" (line ")
                    .append(location.getLineNr())
                    .append(", column ")
                    .append(location.getColumnNr())
                    .append(')');
        }
        return message.toString();
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
