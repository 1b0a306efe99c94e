package org.hmis.predictions.wrangle;

import java.util.List;
import org.hmis.predictions.lambda.metrics.InvocationMetrics;
import org.hmis.predictions.lambda.metrics.StepMetrics;
import org.hmis.predictions.lambda.trigger.RunRequest;

/** What wrangle-step publishes (docs/architecture.md, "Metrics"), from its summary or its failure. */
final class WrangleMetrics implements InvocationMetrics<RunRequest, WrangleStep.Summary> {
    static final String MODULE = "wrangle-step";

    /** A run wrangled; nothing when there was nothing to do (a schedule's run already wrangled): no run, no record. */
    @Override
    public List<StepMetrics.Line> of(WrangleStep.Summary summary, long startedNanos) {
        if (WrangleStep.NOTHING_TO_DO.equals(summary.status())) {
            return List.of();
        }
        StepMetrics.Line line = StepMetrics.about(summary.runId())
                .count(StepMetrics.ROWS, summary.rows())
                .count(StepMetrics.PARTS, summary.parts().size())
                .count(StepMetrics.REJECTED, summary.rejected())
                .count(StepMetrics.FAILED, 0)
                .milliseconds(StepMetrics.DURATION_MS, summary.durationMs());
        // Only when drift was measured: the model has a training distribution and guests were written.
        if (summary.maxFeaturePsi() != null) {
            line.measure(StepMetrics.FEATURE_DRIFT, summary.maxFeaturePsi());
            // What the feature drift alarm watches: the largest PSI alone is noise at a shelter's size.
            line.count(StepMetrics.DRIFTED_FEATURES, summary.driftedFeatures().size());
        }
        return List.of(line);
    }

    @Override
    public List<StepMetrics.Line> failed(RunRequest request, Exception failure, long startedNanos) {
        return List.of(StepMetrics.failedRun(request.runId().value(), startedNanos));
    }
}
