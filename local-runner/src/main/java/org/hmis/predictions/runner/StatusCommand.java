package org.hmis.predictions.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.RunStatus;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A run's status from {@code prediction_runs}: the JSON {@code GET /runs/latest} and {@code GET /runs/{runId}} answer
 * in AWS, read with the same {@link RunStatus}.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Print a run's status as JSON (the same fields as the API's GET /runs/{runId}): its state, parts expected "
                    + "and applied, rows, rejected, stale, unmatched, models and timings. The latest run by default.",
            "A run whose step stopped without finishing is stalled, with lastSeen naming the step and when it was "
                    + "last seen: resume it with run --run-id, or record it failed with fail-run."
        })
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--run-id", description = "The run, e.g. 20261123T101500Z-3f9a (default: the run started last).")
    String runId;

    @Mixin
    DatabaseOption database;

    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;

    StatusCommand() {
        this(System.getenv(), System.out, System.err);
    }

    /** With a given environment and streams, as a test runs it. */
    StatusCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws JsonProcessingException {
        RunId run;
        try {
            run = runId == null ? null : RunId.parse(runId);
        } catch (IllegalArgumentException e) {
            err.println("status: " + e.getMessage());
            return 2;
        }
        PipelineConfig config = PipelineConfig.from(database.jdbcUrl == null ? environment : Map.of());
        Optional<RunStatus> status;
        try (Database db = database.connect(config);
                Connection c = db.dataSource().getConnection()) {
            status = run == null ? RunStatus.latest(c) : RunStatus.of(c, run);
        } catch (SQLException e) {
            err.println("status: the database could not be read: " + Main.causes(e));
            return 1;
        }
        if (status.isEmpty()) {
            err.println("status: " + (run == null ? "no run has started yet" : "no run " + run + " was ever started"));
            return 1;
        }
        out.println(TriggerJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(status.get()));
        return 0;
    }
}
