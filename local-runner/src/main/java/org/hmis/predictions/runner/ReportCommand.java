package org.hmis.predictions.runner;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.config.SqlIdentifier;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.training.RealisedOutcomes;
import org.hmis.predictions.training.StoredModel;
import org.hmis.predictions.training.report.LightGbmGainImportance;
import org.hmis.predictions.training.report.ModelReport;
import org.hmis.predictions.training.report.RunDrift;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes a model's HTML report. The held-out figures come from the model's own manifest, which training fills with
 * the confusion matrix, the metrics by group and the calibration curves of the households it held out. Drift of the
 * latest run and realised outcomes come from the pipeline's database when the command has one ({@code --jdbc-url},
 * or with {@code --s3} the environment's, as the functions read it); without one those sections say so.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Write one self-contained HTML report of a model: held-out figures overall, per class, per group and by "
                    + "probability, feature importance, drift and outcomes.",
            "The model comes from --model DIR (model.txt and model.json, as train --out writes them) or, with --s3, "
                    + "from models/<name>/ in S3_BUCKET (S3_BUCKET_ORIGIN).",
            "Drift and realised outcomes (prediction_runs, prediction_outcomes) come from --jdbc-url or, with --s3, "
                    + "from the database of the environment (RDS_HOST, ... or DB_SECRET_ARN)."
        })
final class ReportCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--model", description = "Read model.txt and model.json from this directory.")
        Path directory;

        @Option(
                names = "--s3",
                description = "Read models/<name>/ from the bucket of the environment "
                        + "(S3_BUCKET or S3_BUCKET_ORIGIN; S3_ENDPOINT for an S3-compatible server).")
        boolean s3;
    }

    @Option(
            names = "--model-name",
            description = "With --s3: the model's name (default: MODEL_NAME, else " + PipelineConfig.DEFAULT_MODEL_NAME
                    + ").")
    String modelName;

    @Option(names = "--out", required = true, description = "Write " + ModelReport.FILE_NAME + " into this directory.")
    Path out;

    @Option(
            names = "--jdbc-url",
            paramLabel = "URL",
            converter = JdbcUrl.Converter.class,
            description = "Read drift and outcomes from this PostgreSQL, e.g. "
                    + "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres (default with --s3: the environment's "
                    + "database; with --model: none).")
    JdbcUrl jdbcUrl;

    @Option(
            names = "--table",
            description = "The guests table the outcomes' groups are read from (default: GUESTS_TABLE, else guests).")
    String table;

    private final Map<String, String> environment;

    ReportCommand() {
        this(System.getenv(), System.out, System.err);
    }

    /** With a given environment, as a test runs it; it prints through picocli's streams. */
    ReportCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter printed = spec.commandLine().getOut();
        Map<String, String> env = new HashMap<>(environment);
        if (modelName != null) {
            env.put(PipelineConfig.MODEL_NAME, modelName);
        }
        SqlIdentifier guestsTable = table != null
                ? GenerateCommand.tableOption(spec, table)
                : SqlIdentifier.of(env.getOrDefault(PipelineConfig.GUESTS_TABLE, PipelineConfig.DEFAULT_GUESTS_TABLE));
        StoredModel model;
        PipelineConfig config = null;
        if (source.directory != null) {
            model = ModelFiles.read(source.directory);
        } else {
            config = PipelineConfig.from(env);
            guestsTable = table != null ? guestsTable : config.guestsTable();
            try (ObjectStore store = ObjectStore.create(config.storage())) {
                model = ModelFiles.download(store, config.storage().inputBucket(), config.modelName());
            }
        }
        Path written;
        if (jdbcUrl == null && config == null) {
            written = write(model, null, guestsTable, out);
        } else {
            try (Database database = DatabaseOption.connect(DatabaseOption.config(env, jdbcUrl))) {
                written = write(model, database.dataSource(), guestsTable, out);
            }
        }
        printed.println("Wrote the model report " + written);
        printed.flush();
        return 0;
    }

    /**
     * The report of {@code model}, as the demo and this command write it.
     *
     * @param runs the pipeline's database, where runs record drift and remove keeps outcomes; null for none
     */
    static Path write(StoredModel model, DataSource runs, SqlIdentifier guestsTable, Path directory)
            throws IOException, SQLException {
        Optional<RunDrift> drift = Optional.empty();
        RealisedOutcomes outcomes = RealisedOutcomes.none();
        if (runs != null) {
            String name = model.manifest().modelName();
            try (Connection c = runs.getConnection()) {
                RequiredTables.pipeline(c);
                drift = RunDrift.latest(c, name);
                outcomes = RealisedOutcomes.read(c, guestsTable, name);
            }
        }
        return new ModelReport(new LightGbmGainImportance()).write(model, drift, outcomes, directory);
    }
}
