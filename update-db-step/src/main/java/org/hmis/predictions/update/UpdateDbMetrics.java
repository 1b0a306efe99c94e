package org.hmis.predictions.update;

import java.util.ArrayList;
import java.util.List;
import org.hmis.predictions.common.db.RunClassMix;
import org.hmis.predictions.lambda.metrics.InvocationMetrics;
import org.hmis.predictions.lambda.metrics.StepMetrics;
import org.hmis.predictions.lambda.trigger.ObjectRef;

/**
 * What update-db-step publishes (docs/architecture.md, "Metrics"), from its result: one record per run of the parts
 * it was given, and for a run one of its parts completed, one more with the run's class mix and drift.
 */
final class UpdateDbMetrics implements InvocationMetrics<List<ObjectRef>, UpdateDbStep.Result> {
    static final String MODULE = "update-db-step";

    @Override
    public List<StepMetrics.Line> of(UpdateDbStep.Result result, long startedNanos) {
        StepMetrics.ByRun byRun = new StepMetrics.ByRun(
                StepMetrics.ROWS, StepMetrics.PARTS, StepMetrics.STALE, StepMetrics.UNMATCHED, StepMetrics.FAILED);
        List<StepMetrics.Line> completed = new ArrayList<>();
        for (UpdateDbStep.Summary part : result.parts()) {
            String runId = part.runId();
            // A part found applied already changed nothing: it counts as seen, with nothing applied.
            boolean applied = UpdateDbStep.APPLIED.equals(part.status());
            byRun.add(runId, StepMetrics.ROWS, part.applied())
                    .add(runId, StepMetrics.PARTS, applied ? 1 : 0)
                    .add(runId, StepMetrics.STALE, part.skipped().stale())
                    .add(runId, StepMetrics.UNMATCHED, part.skipped().unmatched());
            if (part.completedRun() != null) {
                completed.add(completedRun(runId, part.completedRun()));
            }
        }
        for (UpdateDbStep.Failed failed : result.failed()) {
            byRun.add(StepMetrics.runOfPart(failed.part()), StepMetrics.FAILED, 1);
        }
        List<StepMetrics.Line> records = new ArrayList<>(byRun.records(startedNanos));
        records.addAll(completed);
        return records;
    }

    /** An {@link UpdateFailedException}'s result, as a result's; nothing for another failure. */
    @Override
    public List<StepMetrics.Line> failed(List<ObjectRef> parts, Exception failure, long startedNanos) {
        return failure instanceof UpdateFailedException failed ? of(failed.result(), startedNanos) : List.of();
    }

    /** Once per run, from the invocation that completed it; MaxDrift only when a run completed before it. */
    private static StepMetrics.Line completedRun(String runId, RunClassMix mix) {
        StepMetrics.Line record = StepMetrics.about(runId).count(StepMetrics.RUNS_COMPLETE, 1);
        mix.classes().forEach((label, count) -> record.count(StepMetrics.PREDICTED_PREFIX + label, count));
        mix.maxDrift().ifPresent(drift -> record.measure(StepMetrics.MAX_DRIFT, drift));
        return record;
    }
}
