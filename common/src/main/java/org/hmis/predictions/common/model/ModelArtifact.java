package org.hmis.predictions.common.model;

/**
 * A trained model as stored under {@code models/<name>/}: LightGBM's text model and its manifest.
 *
 * @param modelText the content of {@code model.txt}
 * @param manifest the content of {@code model.json}
 */
public record ModelArtifact(String modelText, ModelManifest manifest) {

    /** The file name of the LightGBM text model. */
    public static final String MODEL_FILE_NAME = "model.txt";

    public ModelArtifact {
        if (modelText == null || modelText.isBlank()) {
            throw new IllegalArgumentException(MODEL_FILE_NAME + " is empty");
        }
        if (manifest == null) {
            throw new IllegalArgumentException(ModelManifest.FILE_NAME + " is missing");
        }
    }
}
