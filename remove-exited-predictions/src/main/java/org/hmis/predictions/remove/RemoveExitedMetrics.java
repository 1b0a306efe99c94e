package org.hmis.predictions.remove;

import java.util.List;
import org.hmis.predictions.lambda.metrics.InvocationMetrics;
import org.hmis.predictions.lambda.metrics.StepMetrics;
import org.hmis.predictions.lambda.trigger.RunRequest;

/** What remove-exited-predictions publishes (docs/architecture.md, "Metrics"), from its summary or its failure. */
final class RemoveExitedMetrics implements InvocationMetrics<RunRequest, RemoveExitedStep.Summary> {
    static final String MODULE = "remove-exited-predictions";

    /** A run that marked its guests. */
    @Override
    public List<StepMetrics.Line> of(RemoveExitedStep.Summary summary, long startedNanos) {
        return List.of(StepMetrics.about(summary.runId())
                .count(StepMetrics.ROWS, summary.rowsMarked())
                .count(StepMetrics.FAILED, 0)
                .milliseconds(StepMetrics.DURATION_MS, summary.durationMs()));
    }

    @Override
    public List<StepMetrics.Line> failed(RunRequest request, Exception failure, long startedNanos) {
        return List.of(StepMetrics.failedRun(request.runId().value(), startedNanos));
    }
}
