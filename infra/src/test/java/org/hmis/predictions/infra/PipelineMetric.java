package org.hmis.predictions.infra;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.hmis.predictions.common.features.ExitDestinationClasses;

/**
 * One metric of the contract docs/architecture.md states ("Metrics"): the steps publish it in CloudWatch's embedded
 * metric format, in namespace {@value #NAMESPACE}, with the one dimension {@value #DIMENSION} (the function's name)
 * and the run id as a property (none on {@code ColdStart}, a container's); the template's alarms and dashboard read it.
 */
record PipelineMetric(String name, String unit, Set<PipelineStep> publishers) {
    static final String NAMESPACE = "ExitDestinationRefresh";
    static final String DIMENSION = "Function";
    /** The class-mix metrics are this prefix and a class label: {@code Predicted_es}, ... */
    static final String CLASS_MIX_PREFIX = "Predicted_";

    static final List<PipelineMetric> ALL = all();

    private static List<PipelineMetric> all() {
        Set<PipelineStep> every = EnumSet.allOf(PipelineStep.class);
        Set<PipelineStep> partSteps = EnumSet.of(PipelineStep.WRANGLE, PipelineStep.PREDICT, PipelineStep.UPDATE_DB);
        Set<PipelineStep> update = EnumSet.of(PipelineStep.UPDATE_DB);
        List<PipelineMetric> metrics = new ArrayList<>(List.of(
                new PipelineMetric("Rows", "Count", every),
                new PipelineMetric("Parts", "Count", partSteps),
                new PipelineMetric("Rejected", "Count", EnumSet.of(PipelineStep.WRANGLE)),
                new PipelineMetric("Stale", "Count", update),
                new PipelineMetric("Unmatched", "Count", update),
                new PipelineMetric("Failed", "Count", every),
                new PipelineMetric("DurationMs", "Milliseconds", every),
                new PipelineMetric("RunsComplete", "Count", update),
                new PipelineMetric("MaxDrift", "None", update),
                new PipelineMetric("FeatureDrift", "None", EnumSet.of(PipelineStep.WRANGLE)),
                new PipelineMetric("DriftedFeatures", "Count", EnumSet.of(PipelineStep.WRANGLE)),
                new PipelineMetric("ColdStart", "Count", every)));
        ExitDestinationClasses.LABELS.forEach(
                label -> metrics.add(new PipelineMetric(CLASS_MIX_PREFIX + label, "Count", update)));
        return List.copyOf(metrics);
    }

    static PipelineMetric named(String name) {
        return ALL.stream()
                .filter(m -> m.name.equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "the metric " + name + " is not in the contract (docs/architecture.md, \"Metrics\")"));
    }
}
