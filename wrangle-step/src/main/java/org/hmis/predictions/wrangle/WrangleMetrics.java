package org.hmis.predictions.wrangle;

import java.util.List;
import org.hmis.predictions.lambda.metrics.StepMetrics;

/** What wrangle-step publishes (docs/architecture.md, "Metrics"), from its summary or its failure. */
final class WrangleMetrics {
    static final String MODULE = "wrangle-step";

    private WrangleMetrics() {}

    /** A run wrangled; nothing when there was nothing to do (a schedule's run already wrangled): no run, no record. */
    static List<StepMetrics.Line> of(WrangleStep.Summary summary) {
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
        }
        return List.of(line);
    }

    /** A run that failed, published before the invocation fails; {@code startedNanos} is when it began. */
    static StepMetrics.Line failed(String runId, long startedNanos) {
        return StepMetrics.about(runId)
                .count(StepMetrics.FAILED, 1)
                .milliseconds(StepMetrics.DURATION_MS, (System.nanoTime() - startedNanos) / 1_000_000);
    }
}
