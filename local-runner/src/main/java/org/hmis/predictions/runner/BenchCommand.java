package org.hmis.predictions.runner;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hmis.predictions.benchmarks.BenchLine;
import org.hmis.predictions.benchmarks.BenchmarkSuite;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.update.UpdateDbStep;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts the local services and runs {@link BenchmarkSuite} on them: one JSON line per measurement, each step beside
 * its reference measured in the same run; with {@code --markdown} also the same lines as a page ({@link
 * BenchmarkPage}).
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

    /** A password in the JDBC URL stays out of the page. */
    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&\\s]*");

    @Option(names = "--guests", required = true, description = "Guests to generate, about 10%% of them current.")
    long guests;

    @Option(
            names = "--steps",
            split = ",",
            description = "Which measurements, in this order whatever the order given: "
                    + "remove, wrangle, predict, update, drift, pipeline, steady, coldstart (default: all).")
    List<String> steps = BenchmarkSuite.STEPS;

    @Option(
            names = "--jdbc-url",
            paramLabel = "URL",
            converter = JdbcUrl.Converter.class,
            description = "Use this PostgreSQL server instead of the embedded one, e.g. "
                    + "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres.")
    JdbcUrl jdbcUrl;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--repository",
            defaultValue = ".",
            description = "The checkout whose <module>/target/<module>.jar the cold starts run "
                    + "(default: the current directory).")
    Path repository;

    @Option(
            names = "--markdown",
            paramLabel = "FILE",
            description = "Also write the lines as a markdown page: the machine, this command, a table per kind of "
                    + "line (e.g. docs/benchmarks.md).")
    Path markdown;

    private final PrintStream out;

    BenchCommand() {
        this(System.out);
    }

    /** As the runner makes it: the bench reads no variable and reports failures through the runner. */
    BenchCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this(out);
    }

    /** Printing the JSON lines to {@code out}, as a test reads them. */
    BenchCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (guests < 1) {
            throw Main.usage(spec, "--guests must be positive, was " + guests);
        }
        for (String step : steps) {
            if (!BenchmarkSuite.STEPS.contains(step)) {
                throw Main.usage(
                        spec, "--steps: no step '" + step + "'; known: " + String.join(",", BenchmarkSuite.STEPS));
            }
        }
        // One database per process: two benches (or a bench and its test) on one server must not drop each other's.
        try (DemoServices services = DemoServices.start(
                jdbcUrl == null ? null : jdbcUrl.text(),
                DATABASE + "_" + ProcessHandle.current().pid())) {
            List<BenchLine> lines = new ArrayList<>();
            try {
                new BenchmarkSuite(
                                services.environment(),
                                guests,
                                seed,
                                steps,
                                ModelFiles.readResource(DemoCommand.BUNDLED_MODEL),
                                BenchCommand::refresh,
                                repository)
                        .run(line -> {
                            out.println(line);
                            lines.add(line);
                        });
                if (markdown != null) {
                    BenchmarkPage.write(markdown, lines, BenchmarkPage.Machine.current(database(services)), command());
                }
            } finally {
                deleteDirectory(services.s3Directory());
                services.dropDatabase();
            }
        }
        return 0;
    }

    /** The server's version, and whether it was the embedded one. */
    private String database(DemoServices services) throws SQLException {
        try (Connection c = DriverManager.getConnection(services.jdbcUrl());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1) + (jdbcUrl == null ? ", embedded" : ", the server of --jdbc-url");
        }
    }

    /** How to run this measurement again: the JVM's flags and the options given. */
    private String command() {
        List<String> words = new ArrayList<>(List.of("java"));
        words.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        words.addAll(
                List.of("-jar", "local-runner/target/local-runner.jar", "bench", "--guests", String.valueOf(guests)));
        words.addAll(List.of("--seed", String.valueOf(seed)));
        if (!steps.equals(BenchmarkSuite.STEPS)) {
            words.addAll(List.of("--steps", String.join(",", steps)));
        }
        if (jdbcUrl != null) {
            words.addAll(
                    List.of("--jdbc-url", "'" + PASSWORD.matcher(jdbcUrl.text()).replaceAll("$1...") + "'"));
        }
        if (!repository.equals(Path.of("."))) {
            words.addAll(List.of("--repository", repository.toString()));
        }
        words.addAll(List.of("--markdown", markdown.toString()));
        return String.join(" ", words);
    }

    /** A whole refresh as {@code run --step all} does it. */
    private static BenchmarkSuite.RefreshFigures refresh(PipelineConfig config) throws Exception {
        try (LocalPipeline pipeline = new LocalPipeline(config)) {
            LocalPipeline.Result result = pipeline.refresh(RunRequest.newRun());
            return new BenchmarkSuite.RefreshFigures(
                    result.remove().durationMs() / 1000.0,
                    result.wrangle().durationMs() / 1000.0,
                    result.predict().durationMs() / 1000.0,
                    result.update().parts().stream()
                                    .mapToLong(UpdateDbStep.Summary::durationMs)
                                    .sum()
                            / 1000.0,
                    result.remove().rowsMarked(),
                    result.update().parts().stream()
                            .mapToLong(UpdateDbStep.Summary::applied)
                            .sum(),
                    result.wrangle().rows(),
                    result.wrangle().carriedOver());
        }
    }

    private static void deleteDirectory(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
