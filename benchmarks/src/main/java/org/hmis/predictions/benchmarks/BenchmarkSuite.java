package org.hmis.predictions.benchmarks;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.PipelineSchema;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.remove.RemoveExitedStep;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.synthetic.LoadProgress;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.training.StoredModel;

/**
 * Figures per step on generated guests, each beside its reference measured in the same run on the same machine,
 * one {@link BenchLine} each. The steps change the data, so each one is measured on the state it meets in a real
 * refresh: the table is loaded once and copied twice before any step runs; remove and its reference (a plain UPDATE)
 * each mark the exited guests of their own identical copy; wrangle, predict and update then work on the current
 * guests of the marked table; the whole refresh runs last on the untouched copy, so it does the work a first
 * refresh does. The steady night follows it on the same copy, after a day on which 1% of the current guests
 * changed. Every step is built by the factory its function uses.
 */
public final class BenchmarkSuite {
    /** The measurements, in the order they run. */
    public static final List<String> STEPS = List.of(
            "remove",
            "wrangle",
            "predict",
            "update",
            "drift",
            "pipeline",
            SteadyNightBenchmark.STEP,
            "coldstart",
            ImportBenchmark.STEP);

    private static final SqlIdentifier GUESTS = SqlIdentifier.of("guests");
    /** An identical copy marked by the remove reference's plain UPDATE. */
    private static final SqlIdentifier REMOVE_REFERENCE = SqlIdentifier.of("guests_remove_reference");
    /** An identical copy the whole refresh runs on, as it was loaded. */
    private static final SqlIdentifier PIPELINE_GUESTS = SqlIdentifier.of("guests_pipeline");
    /** Step and LightGBM take turns this often; the fastest of each counts, as on a shared machine one run can stall. */
    private static final int PREDICT_ROUNDS = 3;

    /** A whole refresh (remove, wrangle, predict, update) as the local runner runs it, on {@code config}'s table. */
    @FunctionalInterface
    public interface Refresh {
        RefreshFigures run(PipelineConfig config) throws Exception;
    }

    /**
     * What a whole refresh did, step by step: {@code rescored} current guests the wrangle wrote to parts,
     * {@code carriedOver} whose prediction stood.
     */
    public record RefreshFigures(
            double removeSeconds,
            double wrangleSeconds,
            double predictSeconds,
            double updateSeconds,
            long exitedMarked,
            long updated,
            long rescored,
            long carriedOver) {}

    private final Map<String, String> environment;
    private final long guests;
    private final long seed;
    private final List<String> steps;
    private final StoredModel model;
    private final Refresh refresh;
    private final Path repository;

    /**
     * @param environment the functions' variables, pointing at an empty database and a bucket
     * @param steps which of {@link #STEPS} to measure
     * @param model the model predict uses, uploaded under its name
     * @param repository where the function jars are built, for the cold starts
     */
    public BenchmarkSuite(
            Map<String, String> environment,
            long guests,
            long seed,
            List<String> steps,
            StoredModel model,
            Refresh refresh,
            Path repository) {
        if (guests < 1) {
            throw new IllegalArgumentException("guests must be at least 1, was " + guests);
        }
        for (String step : steps) {
            if (!STEPS.contains(step)) {
                throw new IllegalArgumentException("unknown step '" + step + "'; known: " + String.join(",", STEPS));
            }
        }
        this.environment = Map.copyOf(environment);
        this.guests = guests;
        this.seed = seed;
        this.steps = List.copyOf(steps);
        this.model = model;
        this.refresh = refresh;
        this.repository = repository;
    }

    /** Loads the guests and hands each measurement's line to {@code out} as it is taken. */
    public void run(Consumer<BenchLine> out) throws Exception {
        PipelineConfig config = configFor(GUESTS);
        try (Database database = Database.connect(config.database());
                ObjectStore store = ObjectStore.create(config.storage())) {
            long current = load(database, config);
            ModelFiles.upload(model, store, config.storage().inputBucket());
            RemoveExitedStep remove = RemoveExitedStep.from(config, database);
            if (steps.contains("remove")) {
                out.accept(benchRemove(database, remove));
            } else {
                // The update needs the column and the exited guests marked, as after a real remove.
                remove.run(RunId.newRun());
            }
            if (steps.contains("wrangle")) {
                out.accept(new WrangleBenchmark(config, database, store).run());
            }
            if (steps.contains("predict")) {
                PredictBenchmark.run(config, database, store, model, Math.toIntExact(current), PREDICT_ROUNDS, seed)
                        .forEach(out);
            }
            if (steps.contains("update")) {
                out.accept(new UpdateBenchmark(config, database, store).run());
            }
            if (steps.contains(DriftBenchmark.STEP)) {
                out.accept(new DriftBenchmark(database, seed).run());
            }
        }
        if (steps.contains("pipeline") || steps.contains(SteadyNightBenchmark.STEP)) {
            PipelineConfig pipeline = configFor(PIPELINE_GUESTS);
            TimedRefresh first = benchRefresh(pipeline);
            if (steps.contains("pipeline")) {
                out.accept(first.line());
            }
            if (steps.contains(SteadyNightBenchmark.STEP)) {
                out.accept(new SteadyNightBenchmark(pipeline, refresh).run(first.figures(), first.seconds()));
            }
        }
        if (steps.contains("coldstart")) {
            new ColdStartBenchmark(environment, repository, seed).run().forEach(out);
        }
        if (steps.contains(ImportBenchmark.STEP)) {
            try (Database database = Database.connect(config.database())) {
                out.accept(new ImportBenchmark(database, guests, seed).run());
            }
        }
    }

    private PipelineConfig configFor(SqlIdentifier table) {
        Map<String, String> variables = new HashMap<>(environment);
        variables.put(PipelineConfig.GUESTS_TABLE, table.toString());
        return PipelineConfig.from(variables);
    }

    /** Loads the guests, then the copies the remove reference and the whole refresh work on; returns current guests. */
    private long load(Database database, PipelineConfig config) throws Exception {
        long started = System.nanoTime();
        PipelineSchema.migrate(database.dataSource(), config);
        try (Connection c = database.connection();
                Statement st = c.createStatement()) {
            GuestsTable.create(c, GUESTS);
            long loaded = LoadProgress.during(
                    database.connection(),
                    GUESTS,
                    guests,
                    () -> new GuestLoader(GuestGenerator.builder().seed(seed).build()).load(c, GUESTS, guests));
            for (SqlIdentifier copy : List.of(REMOVE_REFERENCE, PIPELINE_GUESTS)) {
                boolean needed = copy.equals(REMOVE_REFERENCE)
                        ? steps.contains("remove")
                        : steps.contains("pipeline") || steps.contains(SteadyNightBenchmark.STEP);
                if (needed) {
                    GuestsTable.create(c, copy);
                    st.execute("INSERT INTO " + copy.quoted() + " SELECT * FROM " + GUESTS.quoted());
                }
            }
            st.execute("VACUUM (ANALYZE)");
            try (ResultSet rs =
                    st.executeQuery("SELECT count(*) FROM " + GUESTS.quoted() + " WHERE exit_date IS NULL")) {
                rs.next();
                System.err.printf(
                        Locale.ROOT,
                        "loaded %d guests (%d current, seed %d) in %.1f s%n",
                        loaded,
                        rs.getLong(1),
                        seed,
                        seconds(started));
                return rs.getLong(1);
            }
        }
    }

    /**
     * The reference first, on its copy: add the column and mark the exited in one transaction with a plain UPDATE;
     * then the step on the guests table. Both find the same rows unmarked and the column missing.
     */
    private static BenchLine benchRemove(Database database, RemoveExitedStep remove) throws SQLException {
        String table = REMOVE_REFERENCE.quoted();
        String column = ExitDestinationClasses.PREDICTION_COLUMN;
        long referenceRows;
        checkpoint(database);
        long referenceStarted = System.nanoTime();
        try (Connection c = database.connection();
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + column + " VARCHAR");
            referenceRows = st.executeLargeUpdate("UPDATE " + table + " SET " + column + " = '"
                    + ExitDestinationClasses.EXITED + "' WHERE exit_date IS NOT NULL");
            c.commit();
        }
        double referenceSeconds = seconds(referenceStarted);
        try (Connection c = database.connection();
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE " + table);
        }

        checkpoint(database);
        try (HeapPeak heap = HeapPeak.start()) {
            long started = System.nanoTime();
            RemoveExitedStep.Summary summary = remove.run(RunId.newRun());
            double seconds = seconds(started);
            if (summary.rowsMarked() != referenceRows) {
                throw new IllegalStateException("the step marked " + summary.rowsMarked() + " guests, the reference "
                        + referenceRows + ": the copies differ");
            }
            return BenchLine.of(RemoveExitedStep.STEP, summary.rowsMarked(), seconds)
                    .reference("update-where-exited", referenceRows / referenceSeconds)
                    .heap(heap);
        }
    }

    /** A whole refresh's line, with what it did and its wall time. */
    private record TimedRefresh(BenchLine line, RefreshFigures figures, double seconds) {}

    /** A whole refresh, timed end to end on the untouched copy; its rate counts the current guests it predicted for. */
    private TimedRefresh benchRefresh(PipelineConfig config) throws Exception {
        try (HeapPeak heap = HeapPeak.start()) {
            long started = System.nanoTime();
            RefreshFigures figures = refresh.run(config);
            double seconds = seconds(started);
            BenchLine line = BenchLine.of("pipeline", figures.updated(), seconds)
                    .noReference()
                    .heap(heap)
                    .put("remove_seconds", figures.removeSeconds(), 3)
                    .put("wrangle_seconds", figures.wrangleSeconds(), 3)
                    .put("predict_seconds", figures.predictSeconds(), 3)
                    .put("update_seconds", figures.updateSeconds(), 3)
                    .put("exited_marked", figures.exitedMarked())
                    .put("updated", figures.updated());
            return new TimedRefresh(line, figures, seconds);
        }
    }

    /** Dirty pages of the load written out before a timed write, so neither side pays for them. */
    private static void checkpoint(Database database) throws SQLException {
        try (Connection c = database.connection();
                Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
        } catch (SQLException e) {
            // Only superusers and pg_checkpoint may; the figures are a little noisier without it.
            System.err.println("no checkpoint before the timed write: " + e.getMessage());
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
