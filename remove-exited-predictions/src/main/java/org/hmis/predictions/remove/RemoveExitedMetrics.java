package org.hmis.predictions.remove;

import org.hmis.predictions.lambda.metrics.StepMetrics;

/** What remove-exited-predictions publishes (docs/architecture.md, "Metrics"), from its summary or its failure. */
final class RemoveExitedMetrics {
    static final String MODULE = "remove-exited-predictions";

    private RemoveExitedMetrics() {}

    /** A run that marked its guests. */
    static StepMetrics.Line of(RemoveExitedStep.Summary summary) {
        return StepMetrics.about(summary.runId())
                .count(StepMetrics.ROWS, summary.rowsMarked())
                .count(StepMetrics.FAILED, 0)
                .milliseconds(StepMetrics.DURATION_MS, summary.durationMs());
    }

    /** A run that failed, published before the invocation fails; {@code startedNanos} is when it began. */
    static StepMetrics.Line failed(String runId, long startedNanos) {
        return StepMetrics.about(runId)
                .count(StepMetrics.FAILED, 1)
                .milliseconds(StepMetrics.DURATION_MS, (System.nanoTime() - startedNanos) / 1_000_000);
    }
}
