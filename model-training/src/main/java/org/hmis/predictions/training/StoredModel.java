package org.hmis.predictions.training;

import org.hmis.predictions.common.model.ModelManifest;

/**
 * A trained model's files as training writes them and they are stored under {@code models/<name>/}: LightGBM's text
 * model and its manifest, read as they are, before anything parses the trees.
 *
 * @param modelText the content of {@code model.txt}
 * @param manifest the content of {@code model.json}
 */
public record StoredModel(String modelText, ModelManifest manifest) {

    /** The file name of the LightGBM text model. */
    public static final String MODEL_FILE_NAME = "model.txt";

    public StoredModel {
        if (modelText == null || modelText.isBlank()) {
            throw new IllegalArgumentException(MODEL_FILE_NAME + " is empty");
        }
        if (manifest == null) {
            throw new IllegalArgumentException(ModelManifest.FILE_NAME + " is missing");
        }
    }
}
