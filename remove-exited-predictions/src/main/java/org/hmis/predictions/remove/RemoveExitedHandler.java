package org.hmis.predictions.remove;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.SQLException;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.lambda.Deadline;
import org.hmis.predictions.lambda.metrics.StepMetrics;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.hmis.predictions.lambda.trigger.Trigger;
import org.hmis.predictions.lambda.trigger.TriggerJson;

/**
 * Lambda entry point: an EventBridge schedule (its run id derived from the schedule's time, so retries of one night
 * share it) or a direct invoke ({@code {}}, or {@code {"runId": "..."}} made within 15 minutes of now and not used).
 */
public final class RemoveExitedHandler implements RequestStreamHandler {
    private final RemoveExitedStep step;
    final RemoveExitedPriming priming;

    /** Built once per container: configuration checked and the pool created before the first event. */
    public RemoveExitedHandler() {
        this(PipelineConfig.fromEnvironment());
    }

    RemoveExitedHandler(PipelineConfig config) {
        Database database = Database.connect(config.database());
        this.step = RemoveExitedStep.from(config, database);
        this.priming = RemoveExitedPriming.register(database);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        RunRequest request = RunRequest.of(Trigger.parse(input), RemoveExitedStep.STEP, "remove-exited-predictions");
        // The invocation's remaining time bounds every statement; outside Lambda there is no context and no deadline.
        Deadline deadline =
                context == null ? Deadline.NONE : Deadline.ofRemainingMillis(context.getRemainingTimeInMillis());
        StepMetrics metrics = StepMetrics.forInvocation(context, RemoveExitedMetrics.MODULE);
        long started = System.nanoTime();
        RemoveExitedStep.Summary summary;
        try {
            summary = step.run(request, deadline);
        } catch (SQLException e) {
            metrics.publish(RemoveExitedMetrics.failed(request.runId().value(), started));
            throw new IllegalStateException("marking exited guests failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            metrics.publish(RemoveExitedMetrics.failed(request.runId().value(), started));
            throw e;
        }
        metrics.publish(RemoveExitedMetrics.of(summary));
        TriggerJson.write(output, summary);
    }
}
