package org.hmis.predictions.runner;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.PipelineSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Creates or evolves the pipeline's own tables and views in the environment's database, once per deployment and
 * after an upgrade: the steps themselves never create anything, so their database role needs no CREATE.
 */
@Command(
        name = "setup",
        mixinStandardHelpOptions = true,
        description = {
            "Apply the pipeline schema's migrations (prediction_runs and the pipeline's other tables and views) to "
                    + "the database of --jdbc-url or of the environment: RDS_HOST, RDS_PORT, RDS_DB_NAME, "
                    + "RDS_USERNAME, RDS_USER_PWD (or DB_SECRET_ARN), GUESTS_TABLE. Run it as a role that may create "
                    + "tables in the schema."
        })
final class SetupCommand implements Callable<Integer> {
    @Mixin
    DatabaseOption database;

    private final Map<String, String> environment;
    private final PrintStream out;

    SetupCommand() {
        this(System.getenv(), System.out, System.err);
    }

    /** With a given environment and stream, as a test runs it. */
    SetupCommand(Map<String, String> environment, PrintStream out) {
        this(environment, out, System.err);
    }

    /** With a given environment and streams, as a test runs it. */
    SetupCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.out = out;
        this.database = new DatabaseOption();
    }

    @Override
    public Integer call() {
        PipelineConfig config = database.config(environment);
        try (Database db = DatabaseOption.connect(config)) {
            int applied = PipelineSchema.migrate(db.dataSource(), config);
            out.println(
                    applied == 0
                            ? "The pipeline schema is up to date."
                            : "Applied " + applied + " migration(s) of the pipeline schema.");
        }
        return 0;
    }
}
