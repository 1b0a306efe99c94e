package org.hmis.predictions.runner;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.PipelineSchema;
import picocli.CommandLine.Command;

/**
 * Creates or evolves the pipeline's own tables and views in the environment's database, once per deployment and
 * after an upgrade: the steps themselves never create anything, so their database role needs no CREATE.
 */
@Command(
        name = "setup",
        mixinStandardHelpOptions = true,
        description = {
            "Apply the pipeline schema's migrations (prediction_runs and the pipeline's other tables and views) to "
                    + "the database of the environment: RDS_HOST, RDS_PORT, RDS_DB_NAME, RDS_USERNAME, RDS_USER_PWD "
                    + "(or DB_SECRET_ARN), GUESTS_TABLE. Run it as a role that may create tables in the schema."
        })
final class SetupCommand implements Callable<Integer> {
    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;

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
        this.err = err;
    }

    @Override
    public Integer call() {
        PipelineConfig config = PipelineConfig.from(environment);
        try (Database database = Database.connect(config.database())) {
            int applied = PipelineSchema.migrate(database.dataSource(), config);
            out.println(
                    applied == 0
                            ? "The pipeline schema is up to date."
                            : "Applied " + applied + " migration(s) of the pipeline schema.");
        } catch (RuntimeException e) {
            // Flyway reports a connection it could not get in lines of its own; the causes name the database.
            err.println("setup failed: " + Main.causes(e));
            return 1;
        }
        return 0;
    }
}
