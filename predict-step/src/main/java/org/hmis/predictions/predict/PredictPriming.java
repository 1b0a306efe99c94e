package org.hmis.predictions.predict;

import org.crac.Context;
import org.crac.Resource;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.snapstart.Priming;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.lambda.trigger.Trigger;

/**
 * SnapStart priming of predict-step: before the snapshot, a direct invoke naming a wrangled part is parsed and its
 * key read as a part, an answer written, and the S3 requests' classes loaded. Nothing is sent to S3, so no AWS
 * credentials are resolved; the model is read at the first invocation (it may change after the snapshot).
 */
final class PredictPriming implements Resource {
    private static final String PART =
            "{\"bucket\":\"priming\",\"key\":\"wrangled/20260101T020000Z-0000/part-00000.csv\"}";

    private PredictPriming() {}

    /** Registered for the handler's lifetime; the handler keeps the reference. */
    static PredictPriming register() {
        return Priming.register(new PredictPriming());
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        if (Priming.parseAndAnswer(PART) instanceof Trigger.ObjectsCreated created) {
            created.objects().stream().map(ObjectRef::key).forEach(RunKeys::parsePart);
        }
        ObjectStore.loadRequestClasses();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing was frozen that needs renewing.
    }
}
