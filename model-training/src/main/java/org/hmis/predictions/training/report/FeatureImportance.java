package org.hmis.predictions.training.report;

import java.util.Map;
import org.hmis.predictions.training.StoredModel;

/**
 * Where the report's feature importance comes from. LightGBM's gain ({@link LightGbmGainImportance}) today; a source
 * that measures what each feature contributes to the predictions themselves (such as a TreeSHAP mean absolute
 * contribution) can take its place without changing the report.
 */
public interface FeatureImportance {

    /** What the figures mean, shown under the chart. */
    String description();

    /** Per feature of the model, in the model's feature order, a non-negative importance (larger matters more). */
    Map<String, Double> of(StoredModel model);
}
