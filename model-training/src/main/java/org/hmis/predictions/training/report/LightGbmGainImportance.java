package org.hmis.predictions.training.report;

import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.lightgbm.LightGbmLibrary;
import org.hmis.predictions.training.StoredModel;

/** LightGBM's own gain importance: the total loss reduction of the splits on each feature, over all trees. */
public final class LightGbmGainImportance implements FeatureImportance {
    private static final int ALL_ITERATIONS = 0;

    @Override
    public String description() {
        return "LightGBM's gain: how much the splits on each feature reduced the training loss, summed over every "
                + "tree. It says what the trees lean on, not how much a feature moves a given guest's prediction.";
    }

    @Override
    public Map<String, Double> of(StoredModel model) {
        LightGbmLibrary.ensureLoaded();
        List<String> features = model.manifest().features();
        try (LGBMBooster booster = LGBMBooster.loadModelFromString(model.modelText())) {
            double[] gains = booster.featureImportance(ALL_ITERATIONS, LGBMBooster.FeatureImportanceType.GAIN);
            if (gains.length != features.size()) {
                throw new IllegalStateException("model.txt gives " + gains.length + " importances for the manifest's "
                        + features.size() + " features");
            }
            Map<String, Double> importance = new LinkedHashMap<>();
            for (int f = 0; f < gains.length; f++) {
                importance.put(features.get(f), gains[f]);
            }
            return importance;
        } catch (LGBMException e) {
            throw new IllegalStateException("LightGBM could not read the model's importance: " + e.getMessage(), e);
        }
    }
}
