package org.hmis.predictions.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.ReferenceSchema;
import org.hmis.predictions.common.model.LightGbmLibrary;
import org.hmis.predictions.common.model.LightGbmPredictor;
import org.hmis.predictions.common.model.ModelArtifact;
import org.hmis.predictions.common.model.ModelFiles;
import org.hmis.predictions.common.storage.ObjectStore;
import org.hmis.predictions.common.storage.RunId;
import org.hmis.predictions.common.synthetic.GuestGenerator;
import org.hmis.predictions.common.synthetic.GuestLoader;
import org.hmis.predictions.predict.PredictBenchmark;
import org.hmis.predictions.predict.PredictStep;
import org.hmis.predictions.remove.RemoveExitedStep;
import org.hmis.predictions.update.UpdateBenchmark;
import org.hmis.predictions.wrangle.WrangleBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Figures per step on generated guests, each beside its reference measured in the same run on the same machine.
 * The steps change the data, so each one is measured on the state it meets in a real refresh: the table is loaded
 * once and copied twice before any step runs; remove and its reference (a plain UPDATE) each mark the exited guests
 * of their own identical copy; wrangle, predict and update then work on the current guests of the marked table; the
 * whole refresh runs last on the untouched copy, so it does the work a first refresh does.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Generate guests into embedded PostgreSQL (or --jdbc-url's server, in a database "
                    + BenchCommand.DATABASE
                    + "_<pid>, dropped afterwards) and an in-process S3 server, then measure each step beside "
                    + "its reference and a whole refresh, printing one JSON line each."
        })
final class BenchCommand implements Callable<Integer> {
    static final String DATABASE = "exit_destination_bench";
    static final List<String> STEPS = List.of("remove", "wrangle", "predict", "update", "pipeline");
    private static final SqlIdentifier GUESTS = SqlIdentifier.of("guests");
    /** An identical copy marked by the remove reference's plain UPDATE. */
    private static final SqlIdentifier REMOVE_REFERENCE = SqlIdentifier.of("guests_remove_reference");
    /** An identical copy the whole refresh runs on, as it was loaded. */
    private static final SqlIdentifier PIPELINE_GUESTS = SqlIdentifier.of("guests_pipeline");

    private static final double MB = 1024 * 1024;

    @Option(names = "--guests", required = true, description = "Guests to generate, about 10% of them current.")
    long guests;

    @Option(
            names = "--steps",
            split = ",",
            description = "Which measurements, in this order whatever the order given: "
                    + "remove, wrangle, predict, update, pipeline (default: all).")
    List<String> steps = STEPS;

    @Option(
            names = "--jdbc-url",
            description = "Use this PostgreSQL server instead of the embedded one, e.g. "
                    + "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres.")
    String jdbcUrl;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    private final PrintStream out;
    private final ObjectMapper json = new ObjectMapper();

    BenchCommand() {
        this(System.out);
    }

    /** Printing the JSON lines to {@code out}, as a test reads them. */
    BenchCommand(PrintStream out) {
        this.out = out;
    }

    /** Step and LightGBM take turns this often; the fastest of each counts, as on a shared machine one run can stall. */
    private static final int PREDICT_ROUNDS = 2;

    @Override
    public Integer call() throws Exception {
        if (guests < 1) {
            throw new IllegalArgumentException("--guests must be at least 1, was " + guests);
        }
        for (String step : steps) {
            if (!STEPS.contains(step)) {
                throw new IllegalArgumentException(
                        "--steps: unknown step '" + step + "'; known: " + String.join(",", STEPS));
            }
        }
        // One database per process: two benches (or a bench and its test) on one server must not drop each other's.
        try (DemoServices services = DemoServices.start(
                jdbcUrl, DATABASE + "_" + ProcessHandle.current().pid())) {
            try {
                bench(services);
            } finally {
                deleteDirectory(services.s3Directory());
                services.dropDatabase();
            }
        }
        return 0;
    }

    private void bench(DemoServices services) throws Exception {
        Map<String, String> environment = new HashMap<>(services.environment());
        environment.put(PipelineConfig.GUESTS_TABLE, GUESTS.toString());
        PipelineConfig config = PipelineConfig.from(environment);
        environment.put(PipelineConfig.GUESTS_TABLE, PIPELINE_GUESTS.toString());
        PipelineConfig pipelineConfig = PipelineConfig.from(environment);
        String bucket = config.storage().inputBucket();

        long current = load(services);
        LightGbmLibrary.ensureLoaded();
        ModelArtifact model = ModelFiles.readResource(DemoCommand.BUNDLED_MODEL);
        try (Database database = Database.connect(config.database());
                ObjectStore store = ObjectStore.create(config.storage())) {
            ModelFiles.upload(model, store, bucket);
            RemoveExitedStep remove = new RemoveExitedStep(database.dataSource(), GUESTS);
            if (steps.contains("remove")) {
                out.println(benchRemove(services, remove));
            } else {
                // The update needs the column and the exited guests marked, as after a real remove.
                remove.run(RunId.newRun());
            }
            if (steps.contains("wrangle")) {
                out.println(new WrangleBenchmark(database.dataSource(), GUESTS, store, bucket, config.partRows())
                        .run()
                        .json());
            }
            if (steps.contains("predict")) {
                out.println(PredictBenchmark.run(
                                store,
                                bucket,
                                model,
                                Math.toIntExact(current),
                                PredictStep.DEFAULT_BATCH_ROWS,
                                LightGbmPredictor.DEFAULT_THREADS,
                                PREDICT_ROUNDS,
                                seed)
                        .json());
            }
            if (steps.contains("update")) {
                out.println(
                        new UpdateBenchmark(database.dataSource(), GUESTS).run().toJson());
            }
        }
        if (steps.contains("pipeline")) {
            out.println(benchPipeline(pipelineConfig, current));
        }
    }

    /** Loads the guests, then the copies the remove reference and the whole refresh work on; returns current guests. */
    private long load(DemoServices services) throws SQLException, IOException {
        long started = System.nanoTime();
        try (Connection c = services.connect();
                Statement st = c.createStatement()) {
            ReferenceSchema.createGuestsTable(c, GUESTS);
            ReferenceSchema.createPredictionRuns(c);
            long loaded;
            loaded = LoadProgress.during(
                    services.connect(),
                    GUESTS,
                    guests,
                    () -> new GuestLoader(GuestGenerator.builder().seed(seed).build()).load(c, GUESTS, guests));
            for (SqlIdentifier copy : List.of(REMOVE_REFERENCE, PIPELINE_GUESTS)) {
                if (steps.contains(copy.equals(REMOVE_REFERENCE) ? "remove" : "pipeline")) {
                    ReferenceSchema.createGuestsTable(c, copy);
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
                        DemoCommand.seconds(started));
                return rs.getLong(1);
            }
        }
    }

    /**
     * The reference first, on its copy: add the column and mark the exited in one transaction with a plain UPDATE;
     * then the step on the guests table. Both find the same rows unmarked and the column missing.
     */
    private String benchRemove(DemoServices services, RemoveExitedStep remove)
            throws SQLException, JsonProcessingException {
        String table = REMOVE_REFERENCE.quoted();
        String column = RemoveExitedStep.COLUMN;
        long referenceRows;
        checkpoint(services);
        long referenceStarted = System.nanoTime();
        try (Connection c = services.connect();
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + column + " VARCHAR");
            referenceRows = st.executeLargeUpdate(
                    "UPDATE " + table + " SET " + column + " = 'exited'" + " WHERE exit_date IS NOT NULL");
            c.commit();
        }
        double referenceSeconds = DemoCommand.seconds(referenceStarted);
        try (Connection c = services.connect();
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE " + table);
        }

        checkpoint(services);
        resetHeapPeaks();
        long started = System.nanoTime();
        RemoveExitedStep.Summary summary = remove.run(RunId.newRun());
        double seconds = DemoCommand.seconds(started);
        if (summary.rowsMarked() != referenceRows) {
            throw new IllegalStateException("the step marked " + summary.rowsMarked() + " guests, the reference "
                    + referenceRows + ": the copies differ");
        }
        Map<String, Object> line = figures("remove", summary.rowsMarked(), seconds);
        line.put("reference", "update-where-exited");
        line.put("reference_rows_per_s", Math.round(referenceRows / referenceSeconds));
        line.put("ratio", round(referenceSeconds / seconds, 3));
        line.put("peak_heap_mb", round(heapPeaksMb(), 1));
        return json.writeValueAsString(line);
    }

    /** A whole refresh, timed end to end on the untouched copy; its rate counts the current guests it predicted for. */
    private String benchPipeline(PipelineConfig config, long current) throws SQLException, IOException {
        try (LocalPipeline pipeline = new LocalPipeline(config)) {
            resetHeapPeaks();
            long started = System.nanoTime();
            LocalPipeline.Result result = pipeline.refresh(RunId.newRun());
            double seconds = DemoCommand.seconds(started);
            Map<String, Object> line = figures("pipeline", current, seconds);
            line.put("reference", null);
            line.put("peak_heap_mb", round(heapPeaksMb(), 1));
            line.put("remove_seconds", round(result.remove().durationMs() / 1000.0, 3));
            line.put("wrangle_seconds", round(result.wrangle().durationMs() / 1000.0, 3));
            line.put("predict_seconds", round(result.predict().durationMs() / 1000.0, 3));
            line.put(
                    "update_seconds",
                    round(
                            result.update().stream()
                                            .mapToLong(s -> s.durationMs())
                                            .sum()
                                    / 1000.0,
                            3));
            line.put("exited_marked", result.remove().rowsMarked());
            line.put(
                    "updated",
                    result.update().stream().mapToLong(s -> s.applied()).sum());
            line.put("max_heap_mb", round(Runtime.getRuntime().maxMemory() / MB, 0));
            return json.writeValueAsString(line);
        }
    }

    private static Map<String, Object> figures(String step, long rows, double seconds) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step);
        line.put("rows", rows);
        line.put("seconds", round(seconds, 3));
        line.put("rows_per_s", Math.round(rows / seconds));
        return line;
    }

    /** Dirty pages of the load written out before a timed write, so neither side pays for them. */
    private static void checkpoint(DemoServices services) throws SQLException {
        try (Connection c = services.connect();
                Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
        } catch (SQLException e) {
            // Only superusers and pg_checkpoint may; the figures are a little noisier without it.
            System.err.println("no checkpoint before the timed write: " + e.getMessage());
        }
    }

    private static void resetHeapPeaks() {
        System.gc();
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** The heap pools' peaks since the reset, summed: an upper bound of the heap in use. */
    private static double heapPeaksMb() {
        return heapPools().stream()
                        .mapToLong(pool -> pool.getPeakUsage().getUsed())
                        .sum()
                / MB;
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .toList();
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    private static void deleteDirectory(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
