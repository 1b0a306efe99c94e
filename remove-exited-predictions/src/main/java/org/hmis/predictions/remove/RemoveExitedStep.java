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
import org.hmis.predictions.common.db.RunLedger;
import org.hmis.predictions.common.db.RunRefusedException;
import org.hmis.predictions.common.db.TransactionSettings;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.lambda.Deadline;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the guests table has {@code predicted_exit_destination} and marks every guest who has left
 * {@code exited}. Current guests' predictions are left as they are: blanking them (as the original did)
 * would leave case workers without a prediction until the next run finished.
 *
 * <p>In the same statement it keeps, for every guest it marks who had a prediction, that last prediction beside where
 * the guest went in {@code prediction_outcomes} (see {@link #KEEP_OUTCOMES}): what the realised figures are measured
 * on. A guest whose exit was cleared (a re-entry: current again) has that outcome withdrawn by the next run, so the
 * realised figures count only exits that stand; marked again after they leave again, the guest gets a new row.
 */
public final class RemoveExitedStep {
    public static final String STEP = RunLedger.REMOVE_STEP;
    private static final String COLUMN = ExitDestinationClasses.PREDICTION_COLUMN;
    private static final String EXITED = ExitDestinationClasses.EXITED;
    private static final Logger LOG = LoggerFactory.getLogger(RemoveExitedStep.class);

    /** The table of outcomes (V4) and the columns remove writes, in the order of its SELECT. */
    static final String KEEP_OUTCOMES = "INSERT INTO prediction_outcomes (personal_id, enroll_date, exit_date,"
            + " exit_destination, actual_class, predicted_exit_destination, p_es, p_other, p_perm, p_temp, p_unknown,"
            + " risk, model, model_etag, run_id, recorded_by_run)";

    private final DataSource dataSource;
    private final SqlIdentifier guestsTable;
    private final SqlIdentifier guestPredictionsTable;
    private final SqlIdentifier currentGuestRiskView;
    private final boolean migrate;
    private final ExitDestinationClasses classes;
    private final RunLedger ledger;

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
        this(
                dataSource,
                guestsTable,
                guestPredictionsTable,
                currentGuestRiskView,
                migrate,
                ExitDestinationClasses.defaults());
    }

    /**
     * @param classes which class each exit destination counts as in an outcome's {@code actual_class}
     */
    public RemoveExitedStep(
            DataSource dataSource,
            SqlIdentifier guestsTable,
            SqlIdentifier guestPredictionsTable,
            SqlIdentifier currentGuestRiskView,
            boolean migrate,
            ExitDestinationClasses classes) {
        this.dataSource = dataSource;
        this.guestsTable = guestsTable;
        this.guestPredictionsTable = guestPredictionsTable;
        this.currentGuestRiskView = currentGuestRiskView;
        this.migrate = migrate;
        this.classes = classes;
        this.ledger = new RunLedger(guestsTable, guestPredictionsTable);
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

    /**
     * What a run did.
     *
     * @param outcomesKept guests marked whose last prediction was kept in {@code prediction_outcomes}
     */
    public record Summary(
            String step, String runId, boolean columnCreated, long rowsMarked, long durationMs, long outcomesKept) {}

    /** Marks exited guests under a run id this process made, with no deadline (local runs and tests). */
    public Summary run(RunId runId) throws SQLException {
        return run(RunRequest.madeHere(runId), Deadline.NONE);
    }

    /**
     * Marks exited guests within {@code deadline}. A caller's run id must be within {@link RunLedger#CALLER_WINDOW} of the
     * database's clock and not used by remove before; a schedule's may repeat (a retry marks what is left, and records again).
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
                    ledger.admitRemove(c, runId);
                }
                boolean created = ensureColumn(c, deadline);
                Marked marked = markExited(c, runId);
                Instant finished = Instant.now();
                ledger.removed(
                        c,
                        runId,
                        started,
                        finished,
                        marked.guests(),
                        Map.of(
                                "columnCreated",
                                created,
                                "outcomesKept",
                                marked.outcomes(),
                                "outcomesWithdrawn",
                                marked.withdrawn()));
                c.commit();
                Summary summary = new Summary(
                        STEP,
                        runId.value(),
                        created,
                        marked.guests(),
                        Duration.between(started, finished).toMillis(),
                        marked.outcomes());
                LOG.info(
                        "marked {} exited guests in {} (column created: {}), kept {} outcomes, withdrew {} of exits"
                                + " cleared since, in {} ms",
                        marked.guests(),
                        guestsTable,
                        created,
                        marked.outcomes(),
                        marked.withdrawn(),
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

    private record Marked(long guests, long outcomes, long withdrawn) {}

    /**
     * Marks the exited guests and keeps the outcomes of those with a prediction, in one statement: a guest is kept
     * exactly when this run marks them. The key date rule is {@code enroll_date::date} under UTC, as update wrote it.
     * The mapping of destination to class travels as two array parameters.
     */
    private Marked markExited(Connection c, RunId runId) throws SQLException {
        String sql = "WITH marked AS (UPDATE " + guestsTable.quoted() + " SET " + COLUMN + " = ?"
                + " WHERE exit_date IS NOT NULL AND " + COLUMN + " IS DISTINCT FROM ?"
                + " RETURNING personal_id, enroll_date::date AS enroll_date, exit_date::date AS exit_date,"
                + " exit_destination),"
                + " kept AS (" + KEEP_OUTCOMES + " SELECT p.personal_id, p.enroll_date, m.exit_date,"
                + " m.exit_destination, classes.label, p.predicted_exit_destination, p.p_es, p.p_other, p.p_perm,"
                + " p.p_temp, p.p_unknown, p.risk, p.model, p.model_etag, p.run_id, ?"
                + " FROM marked m JOIN " + guestPredictionsTable.quoted() + " p"
                + " ON p.personal_id = m.personal_id AND p.enroll_date = m.enroll_date"
                + " LEFT JOIN unnest(?::text[], ?::text[]) AS classes (destination, label)"
                + " ON classes.destination = m.exit_destination"
                + " ON CONFLICT (personal_id, enroll_date) DO UPDATE SET exit_date = EXCLUDED.exit_date,"
                + " exit_destination = EXCLUDED.exit_destination, actual_class = EXCLUDED.actual_class,"
                + " predicted_exit_destination = EXCLUDED.predicted_exit_destination, p_es = EXCLUDED.p_es,"
                + " p_other = EXCLUDED.p_other, p_perm = EXCLUDED.p_perm, p_temp = EXCLUDED.p_temp,"
                + " p_unknown = EXCLUDED.p_unknown, risk = EXCLUDED.risk, model = EXCLUDED.model,"
                + " model_etag = EXCLUDED.model_etag, run_id = EXCLUDED.run_id,"
                + " recorded_by_run = EXCLUDED.recorded_by_run, recorded_at = now()"
                + " RETURNING 1),"
                + withdrawOutcomes()
                + " SELECT (SELECT count(*) FROM marked), (SELECT count(*) FROM kept),"
                + " (SELECT count(*) FROM withdrawn)";
        Map<String, String> mapping = classes.mapping();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, EXITED);
            ps.setString(2, EXITED);
            ps.setString(3, runId.value());
            ps.setArray(4, c.createArrayOf("text", mapping.keySet().toArray()));
            ps.setArray(5, c.createArrayOf("text", mapping.values().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Marked(rs.getLong(1), rs.getLong(2), rs.getLong(3));
            }
        }
    }

    /**
     * The outcomes of exits that were withdrawn: the guest's exit was cleared in the guests table (a re-entry), so the
     * guest is current again and the exit no longer stands. A key with an exited row besides keeps its outcome.
     */
    private String withdrawOutcomes() {
        String guests = guestsTable.quoted();
        return " withdrawn AS (DELETE FROM prediction_outcomes o USING " + guests + " g"
                + " WHERE g.exit_date IS NULL AND g.personal_id = o.personal_id AND g.enroll_date::date = o.enroll_date"
                + " AND NOT EXISTS (SELECT 1 FROM " + guests + " e WHERE e.exit_date IS NOT NULL"
                + " AND e.personal_id = o.personal_id AND e.enroll_date::date = o.enroll_date)"
                + " RETURNING 1)";
    }
}
