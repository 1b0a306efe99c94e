package org.hmis.predictions.update;

import org.crac.Context;
import org.crac.Resource;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.snapstart.Priming;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.lambda.trigger.Trigger;

/**
 * SnapStart priming of update-db-step: before the snapshot, a direct invoke naming a predictions part is parsed and
 * its key read as a part, an answer written, and the driver's, the pool's and the S3 requests' classes are loaded;
 * then every connection is closed and the credentials forgotten. Nothing is sent to S3 or the database. After the
 * restore nothing is needed: the first invocation reads the secret and connects.
 */
final class UpdateDbPriming implements Resource {
    private static final String PART =
            "{\"bucket\":\"priming\",\"key\":\"predictions/20260101T020000Z-0000/part-00000.csv\"}";

    private final Database database;

    private UpdateDbPriming(Database database) {
        this.database = database;
    }

    /** Registered for the handler's lifetime; the handler keeps the reference. */
    static UpdateDbPriming register(Database database) {
        return Priming.register(new UpdateDbPriming(database));
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        if (Priming.parseAndAnswer(PART) instanceof Trigger.ObjectsCreated created) {
            created.objects().stream().map(ObjectRef::key).forEach(RunKeys::parsePart);
        }
        Database.loadClasses();
        ObjectStore.loadRequestClasses();
        database.release();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Credentials and connections are resolved at first use, after the restore.
    }
}
