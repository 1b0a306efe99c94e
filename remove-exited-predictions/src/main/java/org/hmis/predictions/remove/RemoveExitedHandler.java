package org.hmis.predictions.remove;

import java.sql.SQLException;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.lambda.Deadline;
import org.hmis.predictions.lambda.StepHandler;
import org.hmis.predictions.lambda.logging.RunFields;
import org.hmis.predictions.lambda.snapstart.Priming;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.hmis.predictions.lambda.trigger.Trigger;

/**
 * Lambda entry point: an EventBridge schedule (its run id derived from the schedule's time, so retries of one night
 * share it) or a direct invoke ({@code {}}, or {@code {"runId": "..."}} recent and not used, see {@link RunRequest}).
 * Before the SnapStart snapshot a night's schedule is read and the driver's and pool's classes loaded; then every
 * connection is closed and the credentials forgotten.
 */
public final class RemoveExitedHandler extends StepHandler<RunRequest, RemoveExitedStep.Summary> {
    private final RemoveExitedStep step;

    /** Built once per container: configuration checked and the pool created before the first event. */
    public RemoveExitedHandler() {
        this(PipelineConfig.fromEnvironment());
    }

    RemoveExitedHandler(PipelineConfig config) {
        super(RemoveExitedMetrics.MODULE, RemoveExitedStep.STEP, new RemoveExitedMetrics());
        Database database = Database.connect(config.database());
        this.step = RemoveExitedStep.from(config, database);
        primeWith(Priming.of(Priming.SCHEDULE_EVENT, this::request)
                .loading(Database::loadClasses)
                .releasing(database::release));
    }

    @Override
    protected RunRequest request(Trigger trigger) {
        return RunRequest.of(trigger, RemoveExitedStep.STEP, RemoveExitedMetrics.MODULE);
    }

    @Override
    protected RunFields runFields(RunRequest request) {
        return RunFields.of(request);
    }

    @Override
    protected RemoveExitedStep.Summary runStep(RunRequest request, Deadline deadline) throws SQLException {
        return step.run(request, deadline);
    }

    @Override
    protected String failing(RunRequest request) {
        return "marking exited guests";
    }
}
