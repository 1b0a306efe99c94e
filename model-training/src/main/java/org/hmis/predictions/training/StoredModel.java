package org.hmis.predictions.training;

import org.hmis.predictions.common.model.ModelManifest;

/**
 * A trained model's files as training writes them and they are stored under {@code models/<name>/}: LightGBM's text
 * model, its manifest and, when the manifest names one, the binary risk model's text, read as they are, before
 * anything parses the trees.
 *
 * @param modelText the content of {@code model.txt}
 * @param manifest the content of {@code model.json}
 * @param riskModelText the content of the risk model's file ({@link ModelManifest.RiskModel#file()}), or {@code null}
 *     when the manifest names none
 */
public record StoredModel(String modelText, ModelManifest manifest, String riskModelText) {

    /** The file name of the LightGBM text model. */
    public static final String MODEL_FILE_NAME = "model.txt";

    public StoredModel {
        if (modelText == null || modelText.isBlank()) {
            throw new IllegalArgumentException(MODEL_FILE_NAME + " is empty");
        }
        if (manifest == null) {
            throw new IllegalArgumentException(ModelManifest.FILE_NAME + " is missing");
        }
        if (manifest.risk().isPresent() && (riskModelText == null || riskModelText.isBlank())) {
            throw new IllegalArgumentException(ModelManifest.FILE_NAME + " names the risk model "
                    + manifest.risk().get().file() + ", which is missing or empty");
        }
        if (manifest.risk().isEmpty() && riskModelText != null) {
            throw new IllegalArgumentException(
                    "a risk model's text is given, but " + ModelManifest.FILE_NAME + " names no risk model");
        }
    }

    /** A model without a risk model. */
    public StoredModel(String modelText, ModelManifest manifest) {
        this(modelText, manifest, null);
    }
}
