package org.hmis.predictions.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.hmis.predictions.common.db.Database;
import org.hmis.predictions.common.db.RunStatus;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.lambda.trigger.TriggerJson;
import picocli.CommandLine;
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
                    + "and applied, rows, rejected, stale, unmatched, models, timings, and the guests re-scored and carried over. The latest run by default.",
            "A run whose step stopped without finishing is stalled, with lastSeen naming the step and when it was "
                    + "last seen: resume it with run --run-id, or record it failed with fail-run."
        })
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--run-id", description = "The run, e.g. 20261123T101500Z-3f9a (default: the run started last).")
    String runId;

    @Mixin
    DatabaseOption database;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

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
    public Integer call() throws SQLException, JsonProcessingException {
        RunId run;
        try {
            run = runId == null ? null : RunId.parse(runId);
        } catch (IllegalArgumentException e) {
            throw Main.usage(spec, "--run-id: " + e.getMessage());
        }
        Optional<RunStatus> status;
        try (Database db = DatabaseOption.connect(database.config(environment));
                Connection c = db.connection()) {
            RequiredTables.pipeline(c);
            status = run == null ? RunStatus.latest(c) : RunStatus.of(c, run);
        }
        if (status.isEmpty()) {
            err.println("status: "
                    + (run == null
                            ? "no run has started yet (`local-runner run` starts one)"
                            : "no run " + run + " was ever started"));
            return 1;
        }
        print(out, status.get());
        return 0;
    }

    /** A run's status as the API answers it: what {@code status} and {@code run --json} print. */
    static void print(PrintStream out, RunStatus status) throws JsonProcessingException {
        out.println(TriggerJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(status));
    }
}
