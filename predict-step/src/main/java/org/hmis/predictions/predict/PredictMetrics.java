package org.hmis.predictions.predict;

import java.util.List;
import org.hmis.predictions.lambda.metrics.StepMetrics;

/** What predict-step publishes (docs/architecture.md, "Metrics"), from its summary: one record per run. */
final class PredictMetrics {
    static final String MODULE = "predict-step";

    private PredictMetrics() {}

    /**
     * The parts predicted and failed, per run; objects that are no wrangled part are not counted. Published with a
     * {@link PredictFailedException}'s summary too, before the invocation fails.
     */
    static List<StepMetrics.Line> of(PredictStep.Summary summary, long startedNanos) {
        StepMetrics.ByRun byRun = new StepMetrics.ByRun(StepMetrics.ROWS, StepMetrics.PARTS, StepMetrics.FAILED);
        for (PredictStep.PartResult part : summary.parts()) {
            byRun.add(part.runId(), StepMetrics.ROWS, part.rows()).add(part.runId(), StepMetrics.PARTS, 1);
        }
        for (PredictStep.Failed failed : summary.failed()) {
            byRun.add(StepMetrics.runOfPart(failed.source()), StepMetrics.FAILED, 1);
        }
        return byRun.records(startedNanos);
    }
}
