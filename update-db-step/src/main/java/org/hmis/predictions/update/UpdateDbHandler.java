package org.hmis.predictions.update;

import java.util.List;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.Deadline;
import org.hmis.predictions.lambda.StepHandler;
import org.hmis.predictions.lambda.logging.RunFields;
import org.hmis.predictions.lambda.snapstart.Priming;
import org.hmis.predictions.lambda.trigger.InvalidTriggerException;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.lambda.trigger.Trigger;

/**
 * Lambda entry point: an S3 ObjectCreated event for {@code predictions/} (one record per part, several per
 * event) or a direct invoke {@code {"bucket": "...", "key": "predictions/<runId>/part-NNNNN.csv"}}. Answers
 * {@code {"step": "update", "parts": [summary, ...], "failed": []}}.
 *
 * <p>Every part of an event is tried, each in its own transaction; if any failed, the invocation fails
 * naming each failed part, so Lambda retries the event, and the parts that did apply report
 * "already-applied" the second time.
 *
 * <p>Before the SnapStart snapshot a direct invoke naming a predictions part is read and the driver's, the pool's
 * and the S3 requests' classes loaded; then every connection is closed and the credentials forgotten.
 */
public final class UpdateDbHandler extends StepHandler<List<ObjectRef>, UpdateDbStep.Result> {
    private static final String PART_EVENT =
            "{\"bucket\":\"priming\",\"key\":\"predictions/20260101T020000Z-0000/part-00000.csv\"}";

    private final UpdateDbStep step;

    /** Built once per container: configuration checked, pool and S3 client created before the first event. */
    public UpdateDbHandler() {
        this(PipelineConfig.fromEnvironment());
    }

    UpdateDbHandler(PipelineConfig config) {
        super(UpdateDbMetrics.MODULE, UpdateDbStep.STEP, new UpdateDbMetrics());
        ObjectStore store = ObjectStore.create(config.storage());
        Database database = Database.connect(config.database(), (bucket, key) -> store.readBytes(bucket, key));
        this.step = UpdateDbStep.from(config, database, store);
        primeWith(Priming.of(PART_EVENT, trigger -> request(trigger).forEach(part -> RunKeys.parsePart(part.key())))
                .loading(Database::loadClasses, ObjectStore::loadRequestClasses)
                .releasing(database::release));
    }

    @Override
    protected List<ObjectRef> request(Trigger trigger) {
        if (!(trigger instanceof Trigger.ObjectsCreated created)) {
            throw new InvalidTriggerException("update-db-step takes an S3 ObjectCreated event or a direct invoke"
                    + " {\"bucket\", \"key\"}, not " + trigger.getClass().getSimpleName());
        }
        return created.objects();
    }

    @Override
    protected RunFields runFields(List<ObjectRef> parts) {
        return RunFields.ofParts(parts);
    }

    @Override
    protected UpdateDbStep.Result runStep(List<ObjectRef> parts, Deadline deadline) {
        return step.run(parts, deadline);
    }
}
