package org.hmis.predictions.remove;

import org.crac.Context;
import org.crac.Resource;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.lambda.snapstart.Priming;
import org.hmis.predictions.lambda.trigger.RunRequest;

/**
 * SnapStart priming of remove-exited-predictions: before the snapshot, a night's schedule event is parsed into its
 * run id and an answer written, and the driver's and pool's classes are loaded; then every connection is closed and
 * the credentials forgotten. After the restore nothing is needed: the first invocation reads the secret and connects.
 */
final class RemoveExitedPriming implements Resource {
    private static final String SCHEDULE = "{\"trigger\":\"schedule\",\"scheduledTime\":\"2026-01-01T02:00:00Z\"}";

    private final Database database;

    private RemoveExitedPriming(Database database) {
        this.database = database;
    }

    /** Registered for the handler's lifetime; the handler keeps the reference. */
    static RemoveExitedPriming register(Database database) {
        return Priming.register(new RemoveExitedPriming(database));
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        RunRequest.of(Priming.parseAndAnswer(SCHEDULE), RemoveExitedStep.STEP, "remove-exited-predictions");
        Database.loadClasses();
        database.release();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Credentials and connections are resolved at first use, after the restore.
    }
}
