package org.hmis.predictions.remove;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.sql.DataSource;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.common.db.PredictionRuns;
import org.hmis.predictions.common.db.RunLifecycle;
import org.hmis.predictions.common.db.RunRefusedException;
import org.hmis.predictions.common.db.TransactionSettings;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.storage.RunId;
import org.hmis.predictions.common.trigger.Deadline;
import org.hmis.predictions.common.trigger.RunRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the guests table has {@code predicted_exit_destination} and marks every guest who has left
 * {@code exited}. Current guests' predictions are left as they are: blanking them (as the original did)
 * would leave case workers without a prediction until the next run finished.
 */
public final class RemoveExitedStep {
    public static final String STEP = "remove";
    private static final String COLUMN = ExitDestinationClasses.PREDICTION_COLUMN;
    private static final String EXITED = ExitDestinationClasses.EXITED;
    private static final Logger LOG = LoggerFactory.getLogger(RemoveExitedStep.class);

    private final DataSource dataSource;
    private final SqlIdentifier guestsTable;
    private final SqlIdentifier guestPredictionsTable;
    private final SqlIdentifier currentGuestRiskView;
    private final boolean migrate;

    /**
     * @param migrate whether to apply the pipeline schema's migrations before each run ({@code MIGRATE=true})
     */
    public RemoveExitedStep(DataSource dataSource, SqlIdentifier guestsTable, boolean migrate) {
        this(
                dataSource,
                guestsTable,
                SqlIdentifier.of(PipelineConfig.DEFAULT_GUEST_PREDICTIONS_TABLE),
                SqlIdentifier.of(PipelineConfig.DEFAULT_CURRENT_GUEST_RISK_VIEW),
                migrate);
    }

    /**
     * @param guestPredictionsTable the name the migrations give the guest predictions table
     * @param currentGuestRiskView the name the migrations give the view of the current guests by risk
     */
    public RemoveExitedStep(
            DataSource dataSource,
            SqlIdentifier guestsTable,
            SqlIdentifier guestPredictionsTable,
            SqlIdentifier currentGuestRiskView,
            boolean migrate) {
        this.dataSource = dataSource;
        this.guestsTable = guestsTable;
        this.guestPredictionsTable = guestPredictionsTable;
        this.currentGuestRiskView = currentGuestRiskView;
        this.migrate = migrate;
    }

    /** The step as the function, the local runner and the benchmarks build it. */
    public static RemoveExitedStep from(PipelineConfig config, Database database) {
        return new RemoveExitedStep(
                database.dataSource(),
                config.guestsTable(),
                config.guestPredictionsTable(),
                config.currentGuestRiskView(),
                config.migrate());
    }

    /** What a run did. */
    public record Summary(String step, String runId, boolean columnCreated, long rowsMarked, long durationMs) {}

    /** Marks exited guests under a run id this process made, with no deadline (local runs and tests). */
    public Summary run(RunId runId) throws SQLException {
        return run(RunRequest.madeHere(runId), Deadline.NONE);
    }

    /**
     * Marks exited guests within {@code deadline}. A caller's run id must be within 15 minutes of the database's
     * clock and not used by remove before; a schedule's may repeat (a retry marks what is left, and records again).
     *
     * @throws RunRefusedException when the run id is refused
     */
    public Summary run(RunRequest request, Deadline deadline) throws SQLException {
        RunId runId = request.runId();
        Instant started = Instant.now();
        deadline.check("marking exited guests");
        if (migrate) {
            int applied = PipelineSchema.migrate(dataSource, guestsTable, guestPredictionsTable, currentGuestRiskView);
            LOG.info("{} pipeline schema migrations applied (MIGRATE=true)", applied);
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                TransactionSettings.apply(c, deadline);
                if (request.origin() == RunRequest.Origin.CALLER) {
                    admit(c, runId);
                }
                boolean created = ensureColumn(c, deadline);
                long marked = markExited(c);
                Instant finished = Instant.now();
                PredictionRuns.record(
                        c,
                        new PredictionRuns.Entry(
                                runId.value(),
                                STEP,
                                "",
                                started,
                                finished,
                                marked,
                                null,
                                "done",
                                Map.of("columnCreated", created)));
                c.commit();
                Summary summary = new Summary(
                        STEP,
                        runId.value(),
                        created,
                        marked,
                        Duration.between(started, finished).toMillis());
                LOG.info(
                        "marked {} exited guests in {} (column created: {}) in {} ms",
                        marked,
                        guestsTable,
                        created,
                        summary.durationMs());
                return summary;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Adds the column only when the catalog says it is missing: ALTER TABLE takes an ACCESS EXCLUSIVE
     * lock even when the column exists, and a normal run must not block the intake app.
     */
    /** A caller's run id: near the database's clock, and not one remove has run under. */
    private static void admit(Connection c, RunId runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT clock_timestamp(), EXISTS (SELECT 1 FROM "
                + PredictionRuns.TABLE + " WHERE run_id = ? AND step = ? AND part = '')")) {
            ps.setString(1, runId.value());
            ps.setString(2, STEP);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Instant now = rs.getTimestamp(1).toInstant();
                if (Duration.between(runId.stamp(), now).abs().compareTo(RunLifecycle.CALLER_WINDOW) > 0) {
                    throw new RunRefusedException(
                            RunRefusedException.Reason.BAD_TIME,
                            "run id " + runId + " names " + runId.stamp() + ", more than "
                                    + RunLifecycle.CALLER_WINDOW.toMinutes() + " minutes from the database's clock ("
                                    + now + "): a run id must be made now; leave runId out to get a new one");
                }
                if (rs.getBoolean(2)) {
                    throw new RunRefusedException(
                            RunRefusedException.Reason.ALREADY_USED,
                            "run " + runId + " marked exited guests already; ask for a new run");
                }
            }
        }
    }

    private boolean ensureColumn(Connection c, Deadline deadline) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT to_regclass(?) IS NOT NULL, EXISTS (SELECT 1 FROM pg_attribute"
                        + " WHERE attrelid = to_regclass(?) AND attname = ? AND NOT attisdropped)")) {
            ps.setString(1, guestsTable.quoted());
            ps.setString(2, guestsTable.quoted());
            ps.setString(3, COLUMN);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new IllegalStateException(
                            "the guests table " + guestsTable + " does not exist (GUESTS_TABLE)");
                }
                if (rs.getBoolean(2)) {
                    return false;
                }
            }
        }
        try (Statement st = c.createStatement()) {
            // Wait briefly for the lock rather than queue the intake app's queries behind us.
            st.execute("SET LOCAL lock_timeout = '" + Math.min(10_000, deadline.lockTimeoutMillis()) + "ms'");
            st.execute("ALTER TABLE " + guestsTable.quoted() + " ADD COLUMN IF NOT EXISTS " + COLUMN + " VARCHAR");
        }
        return true;
    }

    private long markExited(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + guestsTable.quoted() + " SET " + COLUMN + " = ?"
                + " WHERE exit_date IS NOT NULL AND " + COLUMN + " IS DISTINCT FROM ?")) {
            ps.setString(1, EXITED);
            ps.setString(2, EXITED);
            return ps.executeLargeUpdate();
        }
    }
}
