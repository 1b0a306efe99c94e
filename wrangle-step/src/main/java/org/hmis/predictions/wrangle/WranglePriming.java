package org.hmis.predictions.wrangle;

import org.crac.Context;
import org.crac.Resource;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.snapstart.Priming;
import org.hmis.predictions.lambda.trigger.RunRequest;

/**
 * SnapStart priming of wrangle-step: before the snapshot, a night's schedule event is parsed into its run id and an
 * answer written, and the driver's, the pool's and the S3 requests' classes are loaded; then every connection is
 * closed and the credentials forgotten. Nothing is sent to S3 or the database, so no AWS credentials are resolved
 * either. After the restore nothing is needed: the first invocation reads the secret and connects.
 */
final class WranglePriming implements Resource {
    private static final String SCHEDULE = "{\"trigger\":\"schedule\",\"scheduledTime\":\"2026-01-01T02:00:00Z\"}";

    private final Database database;

    private WranglePriming(Database database) {
        this.database = database;
    }

    /** Registered for the handler's lifetime; the handler keeps the reference. */
    static WranglePriming register(Database database) {
        return Priming.register(new WranglePriming(database));
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        RunRequest.of(Priming.parseAndAnswer(SCHEDULE), WrangleStep.STEP, "wrangle-step");
        Database.loadClasses();
        ObjectStore.loadRequestClasses();
        database.release();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Credentials and connections are resolved at first use, after the restore.
    }
}
