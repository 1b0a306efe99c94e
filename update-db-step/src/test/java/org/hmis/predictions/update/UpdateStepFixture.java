package org.hmis.predictions.update;

import java.sql.Connection;
import java.sql.SQLException;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.localservices.TestPostgres;
import org.hmis.predictions.localservices.TestS3;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the step's tests share: a fresh database with the pipeline schema and {@link GuestsFixture}'s guests, a bucket,
 * the pool and store the step uses, and the step. Registered as the test class's one extension; it starts and ends
 * its {@link TestPostgres} and {@link TestS3} itself, so they are up before the step is built.
 */
final class UpdateStepFixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private final TestPostgres pg = new TestPostgres();
    private final TestS3 s3 = new TestS3();
    private final int poolSize;
    private final boolean freshGuestsEachTest;
    private Database database;
    private ObjectStore store;
    private UpdateDbStep step;
    private String ownerContextId;

    private UpdateStepFixture(int poolSize, boolean freshGuestsEachTest) {
        this.poolSize = poolSize;
        this.freshGuestsEachTest = freshGuestsEachTest;
    }

    /** The guests are reset before each test. */
    static UpdateStepFixture freshGuestsEachTest() {
        return new UpdateStepFixture(2, true);
    }

    /** The same, with a pool of {@code poolSize} connections (tests that hold some while the step runs). */
    static UpdateStepFixture freshGuestsEachTest(int poolSize) {
        return new UpdateStepFixture(poolSize, true);
    }

    /** The guests are reset once, before the class's tests: the tests share what one set-up applied. */
    static UpdateStepFixture guestsResetOnce() {
        return new UpdateStepFixture(2, false);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        if (ownerContextId != null) {
            return; // a nested class shares its enclosing class's step
        }
        ownerContextId = context.getUniqueId();
        pg.beforeAll(context);
        s3.beforeAll(context);
        database = Database.connect(pg.jdbcUrl(), pg.user(), pg.password(), null, poolSize);
        PipelineSchema.migrate(database.dataSource(), GuestsFixture.TABLE);
        store = GuestsFixture.objectStore(s3);
        step = new UpdateDbStep(database.dataSource(), GuestsFixture.TABLE, GuestsFixture.PREDICTIONS, store);
        if (!freshGuestsEachTest) {
            resetGuests();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws SQLException {
        if (freshGuestsEachTest) {
            resetGuests();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (!context.getUniqueId().equals(ownerContextId)) {
            return;
        }
        ownerContextId = null;
        try {
            database.close();
            store.close();
        } finally {
            s3.afterAll(context);
            pg.afterAll(context);
        }
    }

    private void resetGuests() throws SQLException {
        try (Connection c = pg.connect()) {
            GuestsFixture.reset(c);
        }
    }

    TestPostgres pg() {
        return pg;
    }

    TestS3 s3() {
        return s3;
    }

    Database database() {
        return database;
    }

    ObjectStore store() {
        return store;
    }

    UpdateDbStep step() {
        return step;
    }
}
