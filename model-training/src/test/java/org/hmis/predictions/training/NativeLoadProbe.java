package org.hmis.predictions.training;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.hmis.predictions.common.model.ModelManifest;
import org.hmis.predictions.lightgbm.LightGbmBooster;
import org.hmis.predictions.lightgbm.LightGbmLibrary;

/**
 * Run in a child JVM by {@link LightGbmLibraryTest}, where nothing has loaded LightGBM yet. Without arguments it
 * loads the library; given a directory holding model.txt and model.json it does what the predict step does first:
 * loads the model and predicts one row.
 */
final class NativeLoadProbe {

    private NativeLoadProbe() {}

    public static void main(String[] args) throws Exception {
        try {
            if (args.length == 0) {
                LightGbmLibrary.ensureLoaded();
                System.out.println("loaded");
                return;
            }
            Path directory = Paths.get(args[0]);
            String manifestJson = Files.readString(directory.resolve(ModelManifest.FILE_NAME));
            ModelManifest manifest = ModelManifest.fromJson(manifestJson);
            try (LightGbmBooster booster =
                    LightGbmBooster.load(Files.readString(directory.resolve(StoredModel.MODEL_FILE_NAME)), manifest)) {
                double[] probabilities =
                        booster.predict(new double[booster.numFeatures()], 1, LightGbmBooster.Output.NORMAL);
                System.out.println("loaded and predicted " + probabilities.length + " probabilities");
            }
        } catch (IllegalStateException e) {
            System.out.println("refused: " + e.getMessage());
        }
    }
}
