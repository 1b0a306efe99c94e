package org.hmis.predictions.update;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.InputStream;
import java.io.OutputStream;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.Deadline;
import org.hmis.predictions.lambda.metrics.StepMetrics;
import org.hmis.predictions.lambda.trigger.InvalidTriggerException;
import org.hmis.predictions.lambda.trigger.Trigger;
import org.hmis.predictions.lambda.trigger.TriggerJson;

/**
 * Lambda entry point: an S3 ObjectCreated event for {@code predictions/} (one record per part, several per
 * event) or a direct invoke {@code {"bucket": "...", "key": "predictions/<runId>/part-NNNNN.csv"}}. Answers
 * {@code {"step": "update", "parts": [summary, ...], "failed": []}}.
 *
 * <p>Every part of an event is tried, each in its own transaction; if any failed, the invocation fails
 * naming each failed part, so Lambda retries the event, and the parts that did apply report
 * "already-applied" the second time.
 */
public final class UpdateDbHandler implements RequestStreamHandler {
    private final UpdateDbStep step;
    final UpdateDbPriming priming;

    /** Built once per container: configuration checked, pool and S3 client created before the first event. */
    public UpdateDbHandler() {
        this(PipelineConfig.fromEnvironment());
    }

    UpdateDbHandler(PipelineConfig config) {
        ObjectStore store = ObjectStore.create(config.storage());
        Database database = Database.connect(config.database(), (bucket, key) -> store.readBytes(bucket, key));
        this.step = UpdateDbStep.from(config, database, store);
        this.priming = UpdateDbPriming.register(database);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        Trigger trigger = Trigger.parse(input);
        if (!(trigger instanceof Trigger.ObjectsCreated created)) {
            throw new InvalidTriggerException("update-db-step takes an S3 ObjectCreated event or a direct invoke"
                    + " {\"bucket\", \"key\"}, not " + trigger.getClass().getSimpleName());
        }
        // The invocation's remaining time bounds every statement; outside Lambda there is no context and no deadline.
        Deadline deadline =
                context == null ? Deadline.NONE : Deadline.ofRemainingMillis(context.getRemainingTimeInMillis());
        StepMetrics metrics = StepMetrics.forInvocation(context, UpdateDbMetrics.MODULE);
        long started = System.nanoTime();
        UpdateDbStep.Result result;
        try {
            result = step.run(created.objects(), deadline);
        } catch (UpdateFailedException e) {
            metrics.publish(UpdateDbMetrics.of(e.result(), started));
            throw e;
        }
        metrics.publish(UpdateDbMetrics.of(result, started));
        TriggerJson.write(output, result);
    }
}
