package org.hmis.predictions.predict;

import java.util.List;
import org.hmis.predictions.common.config.PipelineConfig;
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
 * Lambda entry point: an S3 ObjectCreated event for {@code wrangled/} (several records; keys URL-encoded) or a direct
 * invoke {@code {"bucket": "...", "key": "wrangled/<runId>/part-00000.csv"}}. Answers with the step's summary.
 * Before the SnapStart snapshot a direct invoke naming a wrangled part is read and the S3 requests' classes loaded;
 * nothing is sent to S3, and the model is read at the first invocation (it may change after the snapshot).
 */
public final class PredictHandler extends StepHandler<List<ObjectRef>, PredictStep.Summary> {
    private static final String PART_EVENT =
            "{\"bucket\":\"priming\",\"key\":\"wrangled/20260101T020000Z-0000/part-00000.csv\"}";

    private final PredictStep step;

    /** Built once per container: the configuration checked before the first event. */
    public PredictHandler() {
        this(PipelineConfig.fromEnvironment());
    }

    PredictHandler(PipelineConfig config) {
        super(PredictMetrics.MODULE, PredictStep.STEP, new PredictMetrics());
        this.step = PredictStep.from(config, ObjectStore.create(config.storage()));
        primeWith(Priming.of(PART_EVENT, trigger -> request(trigger).forEach(part -> RunKeys.parsePart(part.key())))
                .loading(ObjectStore::loadRequestClasses));
    }

    @Override
    protected List<ObjectRef> request(Trigger trigger) {
        if (!(trigger instanceof Trigger.ObjectsCreated created)) {
            throw new InvalidTriggerException("predict-step takes an S3 ObjectCreated event for wrangled/ or a direct "
                    + "invoke {\"bucket\": ..., \"key\": \"wrangled/<runId>/part-NNNNN.csv\"}, not "
                    + trigger.getClass().getSimpleName());
        }
        return created.objects();
    }

    @Override
    protected RunFields runFields(List<ObjectRef> parts) {
        return RunFields.ofParts(parts);
    }

    @Override
    protected PredictStep.Summary runStep(List<ObjectRef> parts, Deadline deadline) {
        return step.run(parts);
    }
}
