package org.hmis.predictions.runner;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.synthetic.LoadProgress;
import org.hmis.predictions.training.ModelFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The whole pipeline on this machine: embedded services, synthetic guests, the bundled model. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Start embedded PostgreSQL and an in-process S3 server, load synthetic guests and run "
                + "remove -> wrangle -> predict -> update on them with the bundled model, and write the model's HTML "
                + "report.")
final class DemoCommand implements Callable<Integer> {
    static final String BUNDLED_MODEL = "/demo-model";

    @Option(
            names = "--guests",
            defaultValue = "10000",
            description = "Synthetic guests to load (default ${DEFAULT-VALUE}).")
    long guests;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Generator seed; the same seed gives the same guests (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--source",
            defaultValue = "guests",
            description = "Where the guests come from: guests (the intake app's table) or hmis-csv (an HMIS CSV export "
                    + "zip, imported into hmis_guests) (default ${DEFAULT-VALUE}).")
    String source;

    @Option(
            names = "--jdbc-url",
            paramLabel = "URL",
            converter = JdbcUrl.Converter.class,
            description = "Use this PostgreSQL server instead of the embedded one, e.g. "
                    + "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres; the demo creates (and recreates) the database "
                    + DemoServices.DATABASE + " there.")
    JdbcUrl jdbcUrl;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;

    DemoCommand() {
        this(System.getenv(), System.out, System.err);
    }

    /** With given streams, as a test runs it; the demo reads no variable. */
    DemoCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (guests < 1) {
            throw Main.usage(spec, "--guests must be positive, was " + guests);
        }
        boolean hmisCsv = HmisCsvSource.NAME.equals(source);
        if (!hmisCsv && !"guests".equals(source)) {
            throw Main.usage(spec, "--source must be guests or " + HmisCsvSource.NAME + ", was " + source);
        }
        out.println("Starting services ...");
        try (DemoServices services = DemoServices.start(jdbcUrl == null ? null : jdbcUrl.text())) {
            PipelineConfig config = PipelineConfig.from(
                    hmisCsv ? HmisCsvSource.environment(services.environment()) : services.environment());
            out.println("  database: " + services.databaseDescription());
            out.println("  S3 API:   " + config.storage().endpoint().orElseThrow() + ", bucket " + DemoServices.BUCKET);

            long loadStarted = System.nanoTime();
            long loaded;
            if (hmisCsv) {
                loaded = HmisCsvSource.load(config, guests, seed, out);
            } else {
                try (Connection c = services.connect()) {
                    GuestsTable.create(c, config.guestsTable());
                    loaded = LoadProgress.during(
                            services.connect(),
                            config.guestsTable(),
                            guests,
                            () -> new GuestLoader(
                                            GuestGenerator.builder().seed(seed).build())
                                    .load(c, config.guestsTable(), guests));
                }
            }
            out.printf("Loaded %,d synthetic guests (seed %d) in %.1f s%n", loaded, seed, seconds(loadStarted));

            try (LocalPipeline pipeline = new LocalPipeline(config)) {
                pipeline.migrate();
                String modelKey = ModelFiles.upload(
                        ModelFiles.readResource(BUNDLED_MODEL),
                        pipeline.store(),
                        config.storage().inputBucket());
                out.println("Uploaded the bundled model to " + modelKey);
                RunRequest run = RunRequest.newRun();
                out.println("Run " + run.runId() + ":");
                PipelineReport.print(out, pipeline.refresh(run));
                PipelineReport.printDatabase(out, services, config.guestsTable());
                try (Connection c = services.connect()) {
                    HouseholdsAtRisk.print(out, c, config.currentGuestRiskView(), HOUSEHOLDS_SHOWN);
                }
                out.println("Files: " + services.s3Directory().resolve(DemoServices.BUCKET)
                        + " (wrangled/, predictions/, models/; kept after exit)");
                // The model the run predicted with, read back from the bucket as the report command's --s3 does.
                long reportStarted = System.nanoTime();
                Path report = ReportCommand.write(
                        ModelFiles.download(pipeline.store(), config.storage().inputBucket(), config.modelName()),
                        pipeline.database().dataSource(),
                        config.guestsTable(),
                        Files.createTempDirectory("exit-destination-demo-report-"));
                out.printf(
                        "Model report: %s (written in %.1f s; open it in a browser, it needs no network)%n",
                        report, seconds(reportStarted));
            }
            return 0;
        }
    }

    /** Households at the top of the risk ranking that demo and run print. */
    static final int HOUSEHOLDS_SHOWN = 5;

    static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
