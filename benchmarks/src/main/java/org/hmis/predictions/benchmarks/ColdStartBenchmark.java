package org.hmis.predictions.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.predict.PredictHandler;
import org.hmis.predictions.remove.RemoveExitedHandler;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.update.UpdateDbHandler;
import org.hmis.predictions.wrangle.WrangleHandler;

/**
 * Each function's cold start at a shelter's real size: a fresh JVM with Lambda's default flags loads the function's
 * deployable jar, builds its handler and answers one real invocation against the local services, in pipeline order
 * (remove, wrangle, then predict and update on the part before them wrote), on a table of its own holding
 * {@value #GUESTS} generated guests. Beside each, a bare JVM with the same flags, the floor no function can beat.
 */
public final class ColdStartBenchmark {
    /** The flags Lambda's Java runtimes start the JVM with. */
    public static final List<String> LAMBDA_JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1");

    /** Guests of the cold start's table: the original shelter's own table held 10,000. */
    public static final long GUESTS = 10_000;

    private static final SqlIdentifier TABLE = SqlIdentifier.of("guests_coldstart");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBE_CLASS = ColdStartProbe.class.getName();

    private final Map<String, String> environment;
    private final Path repository;
    private final long seed;

    /**
     * @param environment the functions' variables, pointing at the local services
     * @param repository where each function's jar is, as {@code <module>/target/<module>.jar}
     */
    public ColdStartBenchmark(Map<String, String> environment, Path repository, long seed) {
        this.environment = Map.copyOf(environment);
        this.repository = repository;
        this.seed = seed;
    }

    /** The deployable jar of {@code module} under {@code repository}. */
    public static Path jar(Path repository, String module) {
        return repository.resolve(module).resolve("target").resolve(module + ".jar");
    }

    /** One line per function, in pipeline order. */
    public List<BenchLine> run() throws Exception {
        Map<String, String> variables = new HashMap<>(environment);
        variables.put(PipelineConfig.GUESTS_TABLE, TABLE.toString());
        PipelineConfig config = PipelineConfig.from(variables);
        try (Database database = Database.connect(config.database());
                Connection c = database.connection()) {
            GuestsTable.create(c, TABLE);
            new GuestLoader(GuestGenerator.builder().seed(seed).build()).load(c, TABLE, GUESTS);
        }
        Path work = Files.createTempDirectory("coldstart-");
        try {
            Path probe = writeProbe(work);
            String bucket = config.storage().inputBucket();
            RunId run = RunId.newRun();
            List<BenchLine> lines = new ArrayList<>();
            double bare = bareJvmMs(probe);
            lines.add(measure(
                    "remove-exited-predictions",
                    RemoveExitedHandler.class,
                    Map.of("trigger", "schedule", "scheduledTime", Instant.now().toString()),
                    variables,
                    probe,
                    work,
                    bare));
            lines.add(measure(
                    "wrangle-step", WrangleHandler.class, Map.of("runId", run.value()), variables, probe, work, bare));
            lines.add(measure(
                    "predict-step",
                    PredictHandler.class,
                    Map.of("bucket", bucket, "key", RunKeys.wrangledPart(run, 0).key()),
                    variables,
                    probe,
                    work,
                    bare));
            lines.add(measure(
                    "update-db-step",
                    UpdateDbHandler.class,
                    Map.of(
                            "bucket",
                            config.storage().outputBucket(),
                            "key",
                            RunKeys.predictionsPart(run, 0).key()),
                    variables,
                    probe,
                    work,
                    bare));
            return lines;
        } finally {
            deleteRecursively(work);
        }
    }

    private BenchLine measure(
            String module,
            Class<?> handler,
            Map<String, String> event,
            Map<String, String> variables,
            Path probe,
            Path work,
            double bareMs)
            throws IOException, InterruptedException {
        Path jar = jar(repository, module);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build the function jars first (./mvnw package)");
        }
        Path eventFile = work.resolve(module + "-event.json");
        Files.write(eventFile, JSON.writeValueAsBytes(event));
        long started = System.currentTimeMillis();
        Map<String, Long> times = runProbe(
                List.of(
                        "-cp",
                        probe + java.io.File.pathSeparator + jar,
                        PROBE_CLASS,
                        handler.getName(),
                        eventFile.toString()),
                variables);
        return BenchLine.coldStart(
                module,
                (double) (times.get(ColdStartProbe.INIT_DONE) - started),
                (double) (times.get(ColdStartProbe.INVOKE_DONE) - times.get(ColdStartProbe.INIT_DONE)),
                Files.size(jar) / (1024.0 * 1024.0),
                bareMs);
    }

    /** The fastest of three bare JVMs: the cost of starting a JVM with Lambda's flags and nothing else. */
    private double bareJvmMs(Path probe) throws IOException, InterruptedException {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long started = System.currentTimeMillis();
            Map<String, Long> times = runProbe(List.of("-cp", probe.toString(), PROBE_CLASS, "--bare"), Map.of());
            best = Math.min(best, (double) (times.get(ColdStartProbe.BARE) - started));
        }
        return best;
    }

    private static Map<String, Long> runProbe(List<String> arguments, Map<String, String> variables)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(LAMBDA_JVM_FLAGS);
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(variables);
        Process process = builder.start();
        Map<String, Long> times = new HashMap<>();
        StringBuilder output = new StringBuilder();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.append(line).append('\n');
                for (String marker :
                        List.of(ColdStartProbe.INIT_DONE, ColdStartProbe.INVOKE_DONE, ColdStartProbe.BARE)) {
                    if (line.startsWith(marker)) {
                        times.put(
                                marker,
                                Long.parseLong(line.substring(marker.length()).trim()));
                    }
                }
            }
        }
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("the cold start probe failed: " + command + "\n" + output);
        }
        return times;
    }

    /** The probe's class file, alone in a directory, so the child JVM sees only it and the function's jar. */
    private static Path writeProbe(Path work) throws IOException {
        String resource = PROBE_CLASS.replace('.', '/') + ".class";
        Path target = work.resolve("probe").resolve(resource);
        Files.createDirectories(target.getParent());
        try (InputStream in = ColdStartProbe.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            Files.copy(in, target);
        }
        return work.resolve("probe");
    }

    private static void deleteRecursively(Path directory) {
        try (var paths = Files.walk(directory)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + directory, e);
        }
    }
}
