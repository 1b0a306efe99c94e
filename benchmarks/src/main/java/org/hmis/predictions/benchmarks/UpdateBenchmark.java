package org.hmis.predictions.benchmarks;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.csv.PredictionsCsv;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.RunLedger;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.lambda.Deadline;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.hmis.predictions.update.UpdateDbStep;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the update step on a loaded guests table (the local runner's {@code bench} calls it):
 * applying one prediction per current guest through {@link UpdateDbStep}, beside
 * <ul>
 *   <li>the reference, what PostgreSQL allows: the same predictions file {@code COPY}'d as it is into a
 *       temporary table and applied with one {@code UPDATE ... FROM}, directly over JDBC, in the same run;</li>
 *   <li>the same writes as the step without its checks: that reference plus an {@code INSERT ... ON CONFLICT DO
 *       UPDATE} of every row into a copy of the guest predictions table ({@code same_writes_*} in the line), since
 *       the step now also keeps each guest's row there;</li>
 *   <li>the original's row-by-row update, one {@code UPDATE} statement and one commit per guest, timed on a
 *       sample and extrapolated.</li>
 * </ul>
 * Every timed apply changes every row (the classes rotate between applies) and, as a night's run does, rewrites rows
 * that exist (a warm-up apply of each writer comes first); the table is vacuumed and a checkpoint is taken before each,
 * and the step and the references take turns; the best round of each counts, with the write-ahead log it wrote
 * ({@code wal_mb}, {@code reference_wal_mb}, {@code same_writes_wal_mb}).
 * The predictions are read from local files, so S3 transfer is not part of the figures. The step's runs are
 * recorded in {@code prediction_runs} as any run is, and the table is left with the last apply's predictions.
 */
public final class UpdateBenchmark {
    public static final int DEFAULT_ROWWISE_SAMPLE = 5_000;
    public static final int DEFAULT_ROUNDS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(UpdateBenchmark.class);
    private static final int ROTATIONS = 3;

    private final PipelineConfig config;
    private final Database database;
    private final ObjectStore store;
    private final SqlIdentifier guestsTable;
    private final int rounds;
    private final int rowwiseSample;

    /** The step is built from these as the function builds it, and updates {@code config}'s guests table. */
    public UpdateBenchmark(PipelineConfig config, Database database, ObjectStore store) {
        this(config, database, store, DEFAULT_ROUNDS, DEFAULT_ROWWISE_SAMPLE);
    }

    public UpdateBenchmark(PipelineConfig config, Database database, ObjectStore store, int rounds, int rowwiseSample) {
        if (rounds < 1 || rowwiseSample < 1) {
            throw new IllegalArgumentException("rounds and the row-by-row sample must be at least 1");
        }
        this.config = config;
        this.database = database;
        this.store = store;
        this.guestsTable = config.guestsTable();
        this.rounds = rounds;
        this.rowwiseSample = rowwiseSample;
    }

    public BenchLine run() throws SQLException, IOException {
        Path work = Files.createTempDirectory("update-bench-");
        try {
            Path keys = work.resolve("keys.tsv");
            long rows = exportCurrentKeys(keys);
            if (rows == 0) {
                throw new IllegalStateException(
                        "the guests table " + guestsTable + " has no current guest to predict for");
            }
            List<Path> files = new ArrayList<>();
            for (int rotation = 0; rotation < ROTATIONS; rotation++) {
                files.add(writePredictions(keys, work.resolve("predictions-" + rotation + ".csv"), rotation));
            }
            UpdateDbStep step = UpdateDbStep.from(config, database, store);
            Instant firstRun = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);

            int applies = 0;
            // A night's run rewrites the row each current guest already has: the warm-up writes those rows for the
            // step and the same-writes reference, so no timed apply is a first insert into an empty table.
            LOG.info("warm-up: the reference, the same writes and the step each apply {} predictions", rows);
            applyReference(files.get(applies++ % ROTATIONS));
            createSameWritesTable();
            applySameWrites(files.get(applies++ % ROTATIONS));
            RunId warmUp = RunId.newAt(firstRun.minusSeconds(1));
            startRun(warmUp);
            timeStep(step, warmUp, files.get(applies++ % ROTATIONS), rows);
            Apply bestStep = Apply.NONE;
            Apply bestReference = Apply.NONE;
            Apply bestSameWrites = Apply.NONE;
            HeapPeak.Figures heap = new HeapPeak.Figures(0, 0);
            for (int round = 0; round < rounds; round++) {
                for (int turn = 0; turn < 3; turn++) {
                    int who = (round + turn) % 3;
                    Path file = files.get(applies++ % ROTATIONS);
                    settle();
                    long walBefore = walPosition();
                    if (who == 2) {
                        double seconds = applySameWrites(file);
                        bestSameWrites = bestSameWrites.better(seconds, walPosition() - walBefore);
                        LOG.info("round {}: the same writes applied {} rows in {} s", round, rows, seconds);
                    } else if (who == 1) {
                        RunId runId = RunId.newAt(firstRun.plusSeconds(round));
                        startRun(runId);
                        walBefore = walPosition();
                        double seconds;
                        try (HeapPeak watch = HeapPeak.start()) {
                            seconds = timeStep(step, runId, file, rows);
                            heap = heap.max(watch.figures());
                        }
                        bestStep = bestStep.better(seconds, walPosition() - walBefore);
                        LOG.info("round {}: the step applied {} rows in {} s", round, rows, seconds);
                    } else {
                        double seconds = applyReference(file);
                        bestReference = bestReference.better(seconds, walPosition() - walBefore);
                        LOG.info("round {}: the reference applied {} rows in {} s", round, rows, seconds);
                    }
                }
            }
            int sample = (int) Math.min(rowwiseSample, rows);
            double rowwiseSeconds = applyRowByRow(files.get(applies % ROTATIONS), sample);
            double rate = rows / bestStep.seconds();
            double rowwiseRate = sample / rowwiseSeconds;
            dropSameWritesTable();
            return BenchLine.of(UpdateDbStep.STEP, rows, bestStep.seconds())
                    .reference("copy+update-from", rows / bestReference.seconds())
                    .heap(heap)
                    .put("same_writes_rows_per_s", Math.round(rows / bestSameWrites.seconds()))
                    .put("ratio_same_writes", bestSameWrites.seconds() / bestStep.seconds(), 3)
                    .put("reference_seconds", bestReference.seconds(), 3)
                    .put("wal_mb", bestStep.walMegabytes(), 1)
                    .put("reference_wal_mb", bestReference.walMegabytes(), 1)
                    .put("same_writes_wal_mb", bestSameWrites.walMegabytes(), 1)
                    .put("rowwise_rows", sample)
                    .put("rowwise_seconds", rowwiseSeconds, 3)
                    .put("rowwise_rows_per_s", Math.round(rowwiseRate))
                    .put("speedup_over_rowwise", rate / rowwiseRate, 1);
        } finally {
            try (var paths = Files.walk(work)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * The fastest timed apply of one writer and the write-ahead log it wrote, the figure timing noise does not move:
     * what the server must write for the apply to be durable.
     */
    private record Apply(double seconds, long walBytes) {
        static final Apply NONE = new Apply(Double.MAX_VALUE, 0);

        Apply better(double otherSeconds, long otherWalBytes) {
            return otherSeconds < seconds ? new Apply(otherSeconds, otherWalBytes) : this;
        }

        double walMegabytes() {
            return walBytes / 1e6;
        }
    }

    /** The server's write-ahead log position, in bytes. */
    private long walPosition() throws SQLException {
        try (Connection c = database.connection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The keys of every current guest, in the table's physical order, as the wrangle step reads them. */
    private long exportCurrentKeys(Path keys) throws SQLException, IOException {
        try (Connection c = database.connection();
                BufferedWriter out = Files.newBufferedWriter(keys, StandardCharsets.UTF_8)) {
            return c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyOut(
                            "COPY (SELECT personal_id, enroll_date FROM " + guestsTable.quoted()
                                    + " WHERE exit_date IS NULL) TO STDOUT (FORMAT text)",
                            out);
        }
    }

    /** Reasons as long as predict writes them for a typical guest: three down, one up. */
    private static final String REASONS = "{\"down\":["
            + "{\"feature\":\"earned_income\",\"value\":0.0,\"contribution\":-0.41236507651090036,"
            + "\"text\":\"no earned income at entry\"},"
            + "{\"feature\":\"case_members\",\"value\":6.0,\"contribution\":-0.2178823311276425,"
            + "\"text\":\"household of 6\"},"
            + "{\"feature\":\"chronic_homeless_status\",\"value\":1.0,\"contribution\":-0.10982764529617403,"
            + "\"text\":\"chronically homeless\"}],\"up\":["
            + "{\"feature\":\"tanf\",\"value\":450.0,\"contribution\":0.08815227016478221,"
            + "\"text\":\"TANF of $450 a month\"}]}";

    /** A predictions file for every key; class and probabilities turn with {@code rotation}, so each apply changes every row. */
    private static Path writePredictions(Path keys, Path target, int rotation) throws IOException {
        int classes = PredictionsCsv.CLASSES.size();
        double[] probabilities = new double[classes];
        try (BufferedReader in = Files.newBufferedReader(keys, StandardCharsets.UTF_8);
                BufferedWriter out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            PredictionsCsv.CsvWriter writer = new PredictionsCsv.CsvWriter(out);
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int tab = line.indexOf('\t');
                int personalId = Integer.parseInt(line, 0, tab, 10);
                int predicted = Math.floorMod(personalId + rotation, classes);
                for (int k = 0; k < classes; k++) {
                    probabilities[k] = k == predicted ? 0.6 : 0.1;
                }
                writer.write(personalId, line.substring(tab + 1), predicted, probabilities, 0, REASONS);
            }
        }
        return target;
    }

    private double timeStep(UpdateDbStep step, RunId runId, Path file, long rows) throws SQLException, IOException {
        RunKeys.Part part = RunKeys.predictionsPart(runId, 0);
        long start = System.nanoTime();
        UpdateDbStep.Summary summary;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            summary = step.apply(
                    part,
                    new UpdateDbStep.PartOrigin(
                            "benchmark",
                            null,
                            null,
                            null,
                            PredictionsCsv.FORMAT,
                            new UpdateDbStep.Lineage(
                                    RunKeys.wrangledPart(runId, 0).key(), "benchmark", rows, rows)),
                    in,
                    file.toString(),
                    Deadline.NONE);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!UpdateDbStep.APPLIED.equals(summary.status()) || summary.applied() != rows) {
            throw new IllegalStateException("the step did not apply every row, so its time means nothing: " + summary);
        }
        return seconds;
    }

    /** The reference: the file COPY'd as it is into a temporary table, then one UPDATE ... FROM, one transaction. */
    private double applyReference(Path file) throws SQLException, IOException {
        return applyPlainly(file, false);
    }

    /** The reference plus the upsert of every row into the guest predictions copy, in one transaction. */
    private double applySameWrites(Path file) throws SQLException, IOException {
        return applyPlainly(file, true);
    }

    /** What PostgreSQL allows without the step's checks; {@code sameWrites} adds the guest predictions upsert. */
    private double applyPlainly(Path file, boolean sameWrites) throws SQLException, IOException {
        String guests = guestsTable.quoted();
        long start = System.nanoTime();
        try (Connection c = database.connection();
                Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TEMPORARY TABLE reference_part (personal_id integer, enroll_date date, cls varchar,"
                        + " p_es float8, p_other float8, p_perm float8, p_temp float8, p_unknown float8,"
                        + " risk float8, reasons jsonb) ON COMMIT DROP");
                c.unwrap(PGConnection.class)
                        .getCopyAPI()
                        .copyIn("COPY reference_part FROM STDIN (FORMAT csv, HEADER true)", in);
                st.executeUpdate("UPDATE " + guests + " g SET " + ExitDestinationClasses.PREDICTION_COLUMN
                        + " = t.cls FROM reference_part t"
                        + " WHERE g.personal_id = t.personal_id AND g.enroll_date = t.enroll_date"
                        + " AND g.exit_date IS NULL AND g." + ExitDestinationClasses.PREDICTION_COLUMN
                        + " IS DISTINCT FROM t.cls");
                if (sameWrites) {
                    st.executeUpdate(SAME_WRITES_UPSERT);
                }
            }
            c.commit();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Records the run started, as wrangle does before its parts exist: update orders predictions by that start. */
    private void startRun(RunId runId) throws SQLException {
        try (Connection c = database.connection()) {
            RunLedger ledger = new RunLedger(guestsTable, config.guestPredictionsTable());
            ledger.started(c, RunRequest.madeHere(runId));
            ledger.release(c, runId);
        }
    }

    private static final String SAME_WRITES_TABLE = "guest_predictions_bench_reference";
    private static final String SAME_WRITES_UPSERT =
            "INSERT INTO " + SAME_WRITES_TABLE + " (personal_id, enroll_date, run_id,"
                    + " run_started_at, model, predicted_exit_destination, p_es, p_other, p_perm, p_temp,"
                    + " p_unknown, risk, reasons) SELECT personal_id, enroll_date, 'reference', now(), 'benchmark',"
                    + " cls, p_es, p_other, p_perm, p_temp, p_unknown, risk, reasons FROM reference_part"
                    + " ON CONFLICT (personal_id,"
                    + " enroll_date) DO UPDATE SET run_id = EXCLUDED.run_id, run_started_at ="
                    + " EXCLUDED.run_started_at, predicted_exit_destination = EXCLUDED.predicted_exit_destination,"
                    + " p_es = EXCLUDED.p_es, p_other = EXCLUDED.p_other, p_perm = EXCLUDED.p_perm,"
                    + " p_temp = EXCLUDED.p_temp, p_unknown = EXCLUDED.p_unknown, risk = EXCLUDED.risk,"
                    + " reasons = EXCLUDED.reasons, updated_at = now()";

    /**
     * A copy of the guest predictions table, its key, storage parameters (the fill factor that lets a row be rewritten
     * on its own page) and all, that only the same-writes reference writes.
     */
    private void createSameWritesTable() throws SQLException {
        String own = config.guestPredictionsTable().quoted();
        try (Connection c = database.connection();
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + SAME_WRITES_TABLE);
            st.execute("CREATE TABLE " + SAME_WRITES_TABLE + " (LIKE " + own + " INCLUDING ALL)");
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT array_to_string(reloptions, ', ') FROM pg_class WHERE oid = ?::regclass")) {
                ps.setString(1, own);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getString(1) != null) {
                        st.execute("ALTER TABLE " + SAME_WRITES_TABLE + " SET (" + rs.getString(1) + ")");
                    }
                }
            }
        }
    }

    private void dropSameWritesTable() throws SQLException {
        try (Connection c = database.connection();
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + SAME_WRITES_TABLE);
        }
    }

    /** The original's way: one UPDATE and one commit per guest, for the first {@code sample} rows of the file. */
    private double applyRowByRow(Path file, int sample) throws SQLException, IOException {
        try (Connection c = database.connection();
                BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE " + guestsTable.quoted() + " SET " + ExitDestinationClasses.PREDICTION_COLUMN
                                + " = ? WHERE personal_id = ? AND enroll_date = ?")) {
            c.setAutoCommit(true);
            in.readLine();
            long start = System.nanoTime();
            for (int i = 0; i < sample; i++) {
                String[] f = in.readLine().split(",", 4);
                ps.setString(1, f[2]);
                ps.setInt(2, Integer.parseInt(f[0]));
                ps.setObject(3, LocalDate.parse(f[1]));
                ps.executeUpdate();
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    /** Each timed apply starts from the same kind of table: dead rows of the last one reclaimed, dirty pages written. */
    private void settle() throws SQLException {
        try (Connection c = database.connection();
                Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            st.execute("VACUUM (ANALYZE) " + guestsTable.quoted());
            try {
                st.execute("CHECKPOINT");
            } catch (SQLException e) {
                // Only superusers and pg_checkpoint may; without it the figures are a little noisier.
                LOG.info("no checkpoint before the timed apply: {}", e.getMessage());
            }
        }
    }
}
