package org.hmis.predictions.common.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.drift.DriftBaseline;
import org.hmis.predictions.common.drift.FeatureDistribution;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.junit.jupiter.api.Test;

class ModelManifestTest {

    private static ModelManifest manifest() {
        ObjectNode metrics =
                JsonNodeFactory.instance.objectNode().put("accuracy", 0.5).put("macro_f1", 0.25);
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("objective", "multiclass");
        parameters.put("num_class", "5");
        return new ModelManifest(
                "exit-destination",
                "v1",
                List.of("case_members", "non-cash_benefit_count", "is_hoh"),
                ExitDestinationClasses.LABELS,
                Instant.parse("2026-11-23T10:15:00Z"),
                24,
                6,
                metrics,
                parameters);
    }

    @Test
    void survivesAJsonRoundTrip() {
        ModelManifest manifest = manifest();
        String json = manifest.toJson();
        assertEquals(manifest, ModelManifest.fromJson(json));
        for (String key : List.of(
                "\"model_name\"",
                "\"feature_spec_version\"",
                "\"features\"",
                "\"class_labels\"",
                "\"trained_at\" : \"2026-11-23T10:15:00Z\"",
                "\"train_rows\"",
                "\"test_rows\"",
                "\"metrics\" : {",
                "\"macro_f1\" : 0.25",
                "\"lightgbm_parameters\"")) {
            assertTrue(json.contains(key), key + " in " + json);
        }
    }

    private static ModelManifest withBaseline(List<String> baselineFeatures) {
        ModelManifest m = manifest();
        List<FeatureDistribution> distributions = baselineFeatures.stream()
                .map(name -> new FeatureDistribution(
                        name, FeatureDistribution.Kind.NUMBER, List.of(1.0, 3.0), List.of(0.25, 0.5, 0.125), 0.125))
                .toList();
        return new ModelManifest(
                m.modelName(),
                m.featureSpecVersion(),
                m.features(),
                m.classLabels(),
                m.trainedAt(),
                m.trainRows(),
                m.testRows(),
                m.metrics(),
                m.lightGbmParameters(),
                new DriftBaseline(24, distributions));
    }

    @Test
    void keepsTheDriftBaselineAndReadsAManifestWithoutOne() {
        ModelManifest with = withBaseline(manifest().features());
        String json = with.toJson();
        assertTrue(json.contains("\"drift_baseline\" : {"), json);
        assertTrue(json.contains("\"kind\" : \"number\""), json);
        assertEquals(with, ModelManifest.fromJson(json));
        assertEquals(
                List.of(1.0, 3.0),
                ModelManifest.fromJson(json)
                        .drift()
                        .orElseThrow()
                        .features()
                        .get(0)
                        .edges());

        String without = manifest().toJson();
        assertFalse(without.contains("drift_baseline"), "a model without a baseline writes no field: " + without);
        assertTrue(ModelManifest.fromJson(without).drift().isEmpty());
    }

    @Test
    void aDriftBaselineOfOtherFeaturesIsRefused() {
        String json = withBaseline(manifest().features())
                .toJson()
                .replace("\"feature\" : \"is_hoh\"", "\"feature\" : \"is_spouse\"");
        assertProblem(
                "'drift_baseline' should describe the features [case_members, non-cash_benefit_count, is_hoh]", json);
        assertThrows(IllegalArgumentException.class, () -> withBaseline(List.of("case_members")));
    }

    @Test
    void ignoresFieldsANewerTrainerAdded() {
        String json = manifest().toJson().replaceFirst("\\{", "{ \"feature_importance\" : { \"is_hoh\" : 3 },");
        assertEquals(manifest(), ModelManifest.fromJson(json));
    }

    @Test
    void namesWhatIsWrongWithAManifest() {
        String json = manifest().toJson();
        assertProblem("model.json is empty", " ");
        assertProblem(
                "'class_labels' should be [es, other, perm, temp, unknown] in this order, found "
                        + "[other, es, perm, temp, unknown]",
                json.replaceFirst("\"es\", \"other\"", "\"other\", \"es\""));
        assertProblem(
                "'features' is missing or empty", json.replaceFirst("\"features\" : \\[[^]]*]", "\"features\" : []"));
        assertProblem(
                "'features' [2] 'case_members' appears twice", json.replace("\"is_hoh\" ]", "\"case_members\" ]"));
        assertProblem(
                "'features' [0] 'case members' contains ' ', which LightGBM does not keep in feature names",
                json.replace("\"case_members\"", "\"case members\""));
        assertProblem(
                "'metrics' is missing or not an object",
                json.replaceFirst("\"metrics\" : \\{[^}]*}", "\"metrics\" : 3"));
        assertProblem("Missing creator property 'train_rows'", json.replaceFirst("\"train_rows\" : 24,", ""));
        assertProblem(
                "Text 'yesterday' could not be parsed at index 0 (at trained_at)",
                json.replace("2026-11-23T10:15:00Z", "yesterday"));
        assertProblem("line 1, column", "{ \"model_name\" : ");
    }

    private static void assertProblem(String expected, String json) {
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> ModelManifest.fromJson(json));
        assertTrue(e.getMessage().startsWith("model.json "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
