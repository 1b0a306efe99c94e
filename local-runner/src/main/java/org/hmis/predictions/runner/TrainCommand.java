package org.hmis.predictions.runner;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.features.ExitDestinationClasses;
import org.hmis.predictions.common.features.FeatureSpec;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.localservices.ExistingPostgres;
import org.hmis.predictions.localservices.LocalPostgres;
import org.hmis.predictions.localservices.PostgresServer;
import org.hmis.predictions.synthetic.GuestGenerator;
import org.hmis.predictions.synthetic.GuestLoader;
import org.hmis.predictions.synthetic.GuestsTable;
import org.hmis.predictions.training.ExitedGuests;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.training.ModelTrainer;
import org.hmis.predictions.training.StoredModel;
import org.hmis.predictions.training.TrainingParameters;
import org.hmis.predictions.training.TrainingSet;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Trains a model on the guests who have left and reports how it does on households it did not see. The guests come
 * from a database (the environment's, or {@code --jdbc-url}), or are generated ({@code --generate}) into embedded
 * PostgreSQL, which is how the bundled demo model is made.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train a model on exited guests and evaluate it on held-out households.",
            "Guests come from the database of RDS_HOST etc. (or DB_SECRET_ARN), or --jdbc-url, or --generate N "
                    + "synthetic ones in embedded PostgreSQL. The model goes to --out DIR or, with --s3, to "
                    + "models/<name>/ in S3_BUCKET (S3_BUCKET_ORIGIN)."
        })
final class TrainCommand implements Callable<Integer> {
    static final String GENERATED_DATABASE = "exit_destination_train";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--jdbc-url",
            paramLabel = "URL",
            converter = JdbcUrl.Converter.class,
            description = "Read guests from this PostgreSQL database, e.g. "
                    + "jdbc:postgresql://127.0.0.1:5432/shelter?user=postgres (with --generate: the server to generate on, "
                    + "in a database " + GENERATED_DATABASE + "_<pid> it drops afterwards).")
    JdbcUrl jdbcUrl;

    @Option(names = "--table", description = "The guests table (default: GUESTS_TABLE, else guests).")
    String table;

    @Option(
            names = "--model-name",
            description = "The model's name: models/<name>/ (default: MODEL_NAME, else "
                    + PipelineConfig.DEFAULT_MODEL_NAME + ").")
    String modelName;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Destination destination;

    static final class Destination {
        @Option(names = "--out", description = "Write model.txt, risk-model.txt and model.json into this directory.")
        Path directory;

        @Option(
                names = "--s3",
                description = "Upload to models/<name>/ in the bucket of the environment "
                        + "(S3_BUCKET or S3_BUCKET_ORIGIN; S3_ENDPOINT for an S3-compatible server).")
        boolean s3;
    }

    @Option(
            names = "--spec",
            defaultValue = "v3",
            description = "Feature specification to train on: v3 (the household's: one row per exited household, "
                    + "features of its members, none of who a guest is), v1 (the original suite's, per guest), or v2 "
                    + "(v1 without race, ethnicity and gender). Wrangle and predict follow the deployed model's "
                    + "manifest (default ${DEFAULT-VALUE}).")
    String specVersion;

    @Option(
            names = "--mapping",
            description = "A JSON object of exit destination to class (es, other, perm, temp, "
                    + "unknown) applied over the default mapping, e.g. {\"Safe Haven\": \"temp\"}.")
    Path mapping;

    @Option(names = "--iterations", defaultValue = "100", description = "Boosting rounds (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--learning-rate", defaultValue = "0.05", description = "Default ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--leaves", defaultValue = "31", description = "Leaves per tree (default ${DEFAULT-VALUE}).")
    int leaves;

    @Option(
            names = "--seed",
            defaultValue = "7",
            description =
                    "Seeds training, the household split and " + "--generate's guests (default ${DEFAULT-VALUE}).")
    int seed;

    @Option(
            names = "--threads",
            defaultValue = "2",
            description = "LightGBM threads; the model depends on it, so "
                    + "keep it to reproduce one (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--test-share",
            defaultValue = "0.2",
            description = "Share of households held out " + "(default ${DEFAULT-VALUE}).")
    double testShare;

    @Option(
            names = "--generate",
            description = "Train on this many freshly generated guests in embedded "
                    + "PostgreSQL (or on --jdbc-url's server) instead of a real table.")
    Long generate;

    @Option(
            names = "--as-of",
            defaultValue = "2026-11-23",
            description = "With --generate: the generated export's "
                    + "date, fixed so the same command gives the same guests any day (default ${DEFAULT-VALUE}).")
    LocalDate asOf;

    private final Map<String, String> environment;

    TrainCommand() {
        this(System.getenv(), System.out, System.err);
    }

    /** With a given environment, as a test runs it; it prints through picocli's streams. */
    TrainCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        checkOptions();
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> env = modelName == null ? environment : withModelName(environment, modelName);
        PipelineConfig config = PipelineConfig.from(env);
        SqlIdentifier guestsTable = table == null ? config.guestsTable() : GenerateCommand.tableOption(spec, table);
        ExitDestinationClasses classes = ExitDestinationClasses.defaults();
        if (mapping != null) {
            classes = classes.withJsonOverrides(Files.readString(mapping, StandardCharsets.UTF_8));
        }
        TrainingParameters parameters =
                new TrainingParameters(iterations, learningRate, leaves, seed, threads, testShare);
        FeatureSpec featureSpec;
        try {
            featureSpec = FeatureSpec.forVersion(specVersion);
        } catch (IllegalArgumentException e) {
            throw Main.usage(spec, "--spec: " + e.getMessage());
        }

        TrainingSet set = generate != null
                ? readGenerated(guestsTable, featureSpec, classes, out)
                : readExisting(env, guestsTable, featureSpec, classes);
        long started = System.nanoTime();
        StoredModel artifact =
                new ModelTrainer(parameters).train(config.modelName(), featureSpec.version(), set.data());
        out.printf(
                "Trained model '%s' on feature specification %s (%d features; %d rounds, %d leaves, seed %d, %d threads)"
                        + " in %.1f s%n%n",
                config.modelName(),
                featureSpec.version(),
                featureSpec.size(),
                iterations,
                leaves,
                seed,
                threads,
                DemoCommand.seconds(started));
        out.print(TrainingReport.format(set, artifact.manifest()));
        out.println();
        out.flush();
        if (destination.directory != null) {
            ModelFiles.write(artifact, destination.directory);
            out.printf(
                    "Wrote %s, %s and %s to %s (model.txt: %,d bytes)%n",
                    StoredModel.MODEL_FILE_NAME,
                    artifact.manifest().risk().orElseThrow().file(),
                    "model.json",
                    destination.directory,
                    artifact.modelText().getBytes(StandardCharsets.UTF_8).length);
        } else {
            String bucket = config.storage().inputBucket();
            try (ObjectStore store = ObjectStore.create(config.storage())) {
                String key = ModelFiles.upload(artifact, store, bucket);
                out.printf(
                        "Uploaded s3://%s/%s with its %s and model.json%n",
                        bucket, key, artifact.manifest().risk().orElseThrow().file());
            }
        }
        return 0;
    }

    /** Values no training can use, refused before any guest is read. */
    private void checkOptions() {
        if (generate != null && generate < 1) {
            throw Main.usage(spec, "--generate must be positive, was " + generate);
        }
        if (iterations < 1 || leaves < 2 || threads < 1) {
            throw Main.usage(
                    spec,
                    "--iterations and --threads must be positive and --leaves at least 2, were " + iterations + ", "
                            + threads + " and " + leaves);
        }
        if (!(learningRate > 0)) {
            throw Main.usage(spec, "--learning-rate must be positive, was " + learningRate);
        }
        if (!(testShare > 0 && testShare < 1)) {
            throw Main.usage(spec, "--test-share must be between 0 and 1 (both left out), was " + testShare);
        }
    }

    private static Map<String, String> withModelName(Map<String, String> env, String name) {
        Map<String, String> copy = new java.util.HashMap<>(env);
        copy.put(PipelineConfig.MODEL_NAME, name);
        return copy;
    }

    private TrainingSet readExisting(
            Map<String, String> env, SqlIdentifier guestsTable, FeatureSpec featureSpec, ExitDestinationClasses classes)
            throws SQLException {
        try (Database database = DatabaseOption.connect(DatabaseOption.config(env, jdbcUrl));
                Connection c = database.connection()) {
            RequiredTables.guests(
                    c, guestsTable, "name yours with --table (GUESTS_TABLE), or train on --generate N synthetic ones");
            return ExitedGuests.read(c, guestsTable, featureSpec, classes);
        }
    }

    private TrainingSet readGenerated(
            SqlIdentifier guestsTable, FeatureSpec featureSpec, ExitDestinationClasses classes, PrintWriter out)
            throws Exception {
        LocalPostgres embedded = jdbcUrl == null ? LocalPostgres.start() : null;
        try {
            PostgresServer server = embedded != null ? embedded : ExistingPostgres.at(jdbcUrl.text());
            // One database per process, dropped afterwards: two trainings on one server never meet.
            String database = GENERATED_DATABASE + "_" + ProcessHandle.current().pid();
            server.dropDatabase(database);
            server.createDatabase(database);
            try (Connection c = server.connect(database)) {
                GuestsTable.create(c, guestsTable);
                long started = System.nanoTime();
                long loaded = new GuestLoader(
                                GuestGenerator.builder().seed(seed).asOf(asOf).build())
                        .load(c, guestsTable, generate);
                out.printf(
                        "Generated %,d guests (seed %d, as of %s) in %s in %.1f s%n",
                        loaded,
                        seed,
                        asOf,
                        embedded != null ? "embedded PostgreSQL" : server.jdbcUrl(database),
                        DemoCommand.seconds(started));
                return ExitedGuests.read(c, guestsTable, featureSpec, classes);
            } finally {
                if (embedded == null) {
                    server.dropDatabase(database);
                }
            }
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
