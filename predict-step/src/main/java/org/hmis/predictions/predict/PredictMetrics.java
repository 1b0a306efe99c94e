package org.hmis.predictions.predict;

import java.util.List;
import org.hmis.predictions.lambda.metrics.InvocationMetrics;
import org.hmis.predictions.lambda.metrics.StepMetrics;
import org.hmis.predictions.lambda.trigger.ObjectRef;

/** What predict-step publishes (docs/architecture.md, "Metrics"), from its summary: one record per run. */
final class PredictMetrics implements InvocationMetrics<List<ObjectRef>, PredictStep.Summary> {
    static final String MODULE = "predict-step";

    /** The parts predicted and failed, per run; objects that are no wrangled part are not counted. */
    @Override
    public List<StepMetrics.Line> of(PredictStep.Summary summary, long startedNanos) {
        StepMetrics.ByRun byRun = new StepMetrics.ByRun(StepMetrics.ROWS, StepMetrics.PARTS, StepMetrics.FAILED);
        for (PredictStep.PartResult part : summary.parts()) {
            byRun.add(part.runId(), StepMetrics.ROWS, part.rows()).add(part.runId(), StepMetrics.PARTS, 1);
        }
        for (PredictStep.Failed failed : summary.failed()) {
            byRun.add(StepMetrics.runOfPart(failed.source()), StepMetrics.FAILED, 1);
        }
        return byRun.records(startedNanos);
    }

    /** A {@link PredictFailedException}'s summary, as a summary's; nothing for another failure. */
    @Override
    public List<StepMetrics.Line> failed(List<ObjectRef> parts, Exception failure, long startedNanos) {
        return failure instanceof PredictFailedException failed ? of(failed.summary(), startedNanos) : List.of();
    }
}
