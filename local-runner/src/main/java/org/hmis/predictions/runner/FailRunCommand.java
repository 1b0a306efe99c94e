package org.hmis.predictions.runner;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.RunLedger;
import org.hmis.predictions.common.db.RunRefusedException;
import org.hmis.predictions.common.run.RunId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Records a run that stopped without finishing (a stalled run, see {@code status}) failed, with the operator's reason
 * as its error ({@link RunLedger#failStopped}): the ledger then says what happened, and {@code run --run-id} starts it
 * again.
 */
@Command(
        name = "fail-run",
        mixinStandardHelpOptions = true,
        description = {
            "Record a run that stopped without finishing as failed, with --reason as its error. Refused for a run "
                    + "that is complete or failed, or while a step of it is still running (its wrangle holds the "
                    + "run, or an update is within its deadline).",
            "Afterwards `run --run-id ID` wrangles it again."
        })
final class FailRunCommand implements Callable<Integer> {
    @Option(names = "--run-id", required = true, description = "The run, e.g. 20261123T101500Z-3f9a.")
    String runId;

    @Option(names = "--reason", required = true, description = "Why, recorded as the run's error.")
    String reason;

    @Mixin
    DatabaseOption database;

    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;

    FailRunCommand() {
        this(System.getenv(), System.out, System.err);
    }

    /** With a given environment and streams, as a test runs it. */
    FailRunCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        RunId run;
        try {
            run = RunId.parse(runId);
        } catch (IllegalArgumentException e) {
            err.println("fail-run: " + e.getMessage());
            return 2;
        }
        if (reason.isBlank()) {
            err.println("fail-run: --reason is empty: say why the run failed");
            return 2;
        }
        PipelineConfig config = database.config(environment);
        RunLedger ledger = new RunLedger(config.guestsTable(), config.guestPredictionsTable());
        try (Database db = DatabaseOption.connect(config);
                Connection c = db.dataSource().getConnection()) {
            String was = ledger.failStopped(c, run, reason.strip());
            out.println("Run " + run + " was " + was + "; it is recorded failed: " + reason.strip());
            out.println("Start it again with: run --run-id " + run);
            return 0;
        } catch (RunRefusedException | IllegalArgumentException | IllegalStateException e) {
            err.println("fail-run: " + e.getMessage());
            return 1;
        } catch (SQLException e) {
            err.println("fail-run: the database could not be read: " + FailureLine.of(e));
            return 1;
        }
    }
}
