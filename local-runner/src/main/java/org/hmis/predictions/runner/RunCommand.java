package org.hmis.predictions.runner;

import java.io.OutputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.db.RunLedger;
import org.hmis.predictions.common.db.RunStatus;
import org.hmis.predictions.common.run.RunId;
import org.hmis.predictions.common.run.RunKeys;
import org.hmis.predictions.lambda.trigger.ObjectRef;
import org.hmis.predictions.lambda.trigger.RunRequest;
import org.hmis.predictions.predict.PredictStep;
import org.hmis.predictions.remove.RemoveExitedStep;
import org.hmis.predictions.wrangle.WrangleStep;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The steps against the endpoints the environment configures, exactly as the functions read them: for manual runs
 * and backfills outside Lambda. A failure prints its line (the stack trace with {@code --verbose}) and exits 1;
 * every step runs in its own transaction, so a failed or interrupted one leaves the database as it was.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run the pipeline, or one step of it, against the database and bucket of the environment: "
                    + "RDS_HOST, RDS_PORT, RDS_DB_NAME, RDS_USERNAME, RDS_USER_PWD (or DB_SECRET_ARN), GUESTS_TABLE, "
                    + "S3_BUCKET (or S3_BUCKET_ORIGIN and S3_BUCKET_DESTINATION), S3_ENDPOINT, MODEL_NAME, PART_ROWS.",
            "predict and update take the part keys given by --key, or every part of --run-id."
        })
final class RunCommand implements Callable<Integer> {
    enum Step {
        all,
        remove,
        wrangle,
        predict,
        update
    }

    @Option(
            names = "--step",
            defaultValue = "all",
            description = "all (remove, wrangle, predict, update in order), "
                    + "or one of: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Step step;

    @Option(
            names = "--run-id",
            description = "The run: a new one by default for all, remove and wrangle; for predict "
                    + "and update, the run whose parts to process, e.g. 20261123T101500Z-3f9a. With all, a failed "
                    + "or stalled run's id resumes it: a remove that completed under it is not repeated, a run "
                    + "wrangled already is predicted and applied from its parts.")
    String runId;

    @Option(
            names = "--key",
            description = "With --step predict: a wrangled part key (wrangled/<runId>/part-NNNNN.csv); "
                    + "with --step update: a predictions part key. Repeatable.")
    List<String> keys = new ArrayList<>();

    @Option(
            names = "--full",
            description = "Predict every current guest again (a full refresh), not only those whose prediction would"
                    + " change: no prediction yet, another feature row, model or specification, or a value the intake"
                    + " app overwrote.")
    boolean full;

    @Option(
            names = "--json",
            description = "Print the run's summary when it ends, as `status --run-id <run>` does (the API's "
                    + "GET /runs/{runId}), instead of the report for a person.")
    boolean json;

    @Mixin
    DatabaseOption database;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;

    RunCommand() {
        this(System.getenv(), System.out, System.err);
    }

    /** With a given environment and streams, as a test runs it. */
    RunCommand(Map<String, String> environment, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        checkOptions();
        try {
            PipelineConfig config = database.config(environment);
            try (LocalPipeline pipeline = new LocalPipeline(config)) {
                try (Connection c = pipeline.database().connection()) {
                    RequiredTables.pipeline(c);
                }
                RunId ran = run(pipeline, config, json ? new PrintStream(OutputStream.nullOutputStream()) : out);
                if (json) {
                    printStatus(pipeline, ran);
                }
                return 0;
            }
        } catch (Exception e) {
            return Main.failed("run --step " + step, e, Main.writer(err), Main.verbose(spec.commandLine()));
        }
    }

    /** The run's summary as {@code status --run-id} prints it. */
    private void printStatus(LocalPipeline pipeline, RunId run) throws Exception {
        try (Connection c = pipeline.database().connection()) {
            StatusCommand.print(
                    out,
                    RunStatus.of(c, run)
                            .orElseThrow(() -> new IllegalStateException("the run " + run + " recorded no status")));
        }
    }

    /** Options that do not go together, or a malformed run id or key: usage errors, before anything connects. */
    private void checkOptions() {
        boolean partsStep = step == Step.predict || step == Step.update;
        if (!keys.isEmpty() && !partsStep) {
            throw Main.usage(spec, "--key goes with --step predict or update, not " + step);
        }
        if (partsStep && keys.isEmpty() == (runId == null)) {
            throw Main.usage(spec, "--step " + step + " needs either --key (one or more) or --run-id");
        }
        if (full && step != Step.all && step != Step.wrangle) {
            throw Main.usage(spec, "--full goes with --step all or wrangle, the step that chooses the guests");
        }
        if (json && step == Step.remove) {
            throw Main.usage(spec, "--json goes with a step that records the run: all, wrangle, predict or update");
        }
        try {
            if (runId != null) {
                RunId.parse(runId);
            }
            RunKeys.Stage stage = step == Step.predict ? RunKeys.Stage.WRANGLED : RunKeys.Stage.PREDICTIONS;
            keys.forEach(key -> RunKeys.requirePart(key, stage));
        } catch (IllegalArgumentException e) {
            throw Main.usage(spec, e.getMessage());
        }
    }

    /** Runs the step, printing its report to {@code out}; returns the run it worked on. */
    private RunId run(LocalPipeline pipeline, PipelineConfig config, PrintStream out) throws Exception {
        // A run id given on the command line is a caller's: new, and made within 15 minutes of the database's clock,
        // unless the ledger holds it as a failed or stalled run, which it resumes.
        RunRequest run =
                (runId != null ? RunRequest.fromCaller(RunId.parse(runId)) : RunRequest.newRun()).withFull(full);
        switch (step) {
            case all -> {
                out.println("Run " + run.runId() + ":");
                if (runId == null) {
                    PipelineReport.print(out, pipeline.refresh(run));
                } else {
                    resume(pipeline, config, run, out);
                }
                try (Connection c = pipeline.database().connection()) {
                    HouseholdsAtRisk.print(out, c, config.currentGuestRiskView(), DemoCommand.HOUSEHOLDS_SHOWN);
                }
            }
            case remove -> PipelineReport.printRemove(out, pipeline.remove(run));
            case wrangle -> {
                out.println("Run " + run.runId() + ":");
                PipelineReport.printWrangle(out, pipeline.wrangle(run));
            }
            case predict -> {
                PredictStep.Summary summary =
                        pipeline.predict(parts(pipeline, config.storage().inputBucket(), RunKeys.Stage.WRANGLED));
                PipelineReport.printPredict(out, summary);
                summary.parts().forEach(p -> out.println("  " + p.predictions()));
            }
            case update ->
                PipelineReport.printUpdate(
                        out,
                        pipeline.update(parts(pipeline, config.storage().outputBucket(), RunKeys.Stage.PREDICTIONS)));
        }
        return keys.isEmpty()
                ? run.runId()
                : RunKeys.parsePart(keys.get(0)).orElseThrow().runId();
    }

    /**
     * {@code --step all --run-id}: the run under that id, or what is left of it. Remove marks every exited guest
     * whichever run asks, so one that completed under the id is not repeated; a run wrangled already is predicted and
     * applied from its wrangled parts; a failed or stalled one is wrangled again (any age: the ledger holds its id).
     */
    private void resume(LocalPipeline pipeline, PipelineConfig config, RunRequest run, PrintStream out)
            throws Exception {
        RunLedger ledger = new RunLedger(config.guestsTable(), config.guestPredictionsTable());
        Optional<Instant> removed;
        Optional<RunLedger.State> state;
        try (Connection c = pipeline.database().connection()) {
            removed = ledger.removedAt(c, run.runId());
            state = ledger.run(c, run.runId());
        }
        String status = state.map(RunLedger.State::status).orElse(null);
        if (RunLedger.COMPLETE.equals(status)) {
            throw new IllegalArgumentException("run " + run.runId()
                    + " is complete: there is nothing to resume; leave --run-id out for a new run");
        }
        if (removed.isPresent()) {
            out.printf(
                    "  %-8s completed for this run at %s already: not repeated%n",
                    RemoveExitedStep.STEP, removed.get());
        } else {
            PipelineReport.printRemove(out, pipeline.remove(run));
        }
        List<ObjectRef> wrangled;
        if (RunLedger.WRANGLED.equals(status)) {
            out.printf("  %-8s run wrangled already: predicting and applying its parts%n", WrangleStep.STEP);
            wrangled = parts(pipeline, config.storage().inputBucket(), RunKeys.Stage.WRANGLED);
        } else {
            WrangleStep.Summary summary = pipeline.wrangle(run);
            PipelineReport.printWrangle(out, summary);
            wrangled = summary.partObjects();
        }
        PredictStep.Summary predicted = pipeline.predict(wrangled);
        PipelineReport.printPredict(out, predicted);
        PipelineReport.printUpdate(
                out,
                pipeline.update(predicted.parts().stream()
                        .map(PredictStep.PartResult::predictions)
                        .toList()));
    }

    /** The parts of {@code stage} given by --key, else every part of --run-id under its prefix. */
    private List<ObjectRef> parts(LocalPipeline pipeline, String bucket, RunKeys.Stage stage) {
        if (!keys.isEmpty()) {
            keys.forEach(key -> RunKeys.requirePart(key, stage));
            return keys.stream().map(key -> new ObjectRef(bucket, key)).toList();
        }
        RunId run = RunId.parse(runId);
        String prefix =
                stage == RunKeys.Stage.WRANGLED ? RunKeys.wrangledRunPrefix(run) : RunKeys.predictionsRunPrefix(run);
        List<String> found = pipeline.store().list(bucket, prefix).stream()
                .filter(key ->
                        RunKeys.parsePart(key).filter(p -> p.stage() == stage).isPresent())
                .toList();
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no " + stage.name().toLowerCase(java.util.Locale.ROOT)
                    + " parts under s3://" + bucket + "/" + prefix);
        }
        return found.stream().map(key -> new ObjectRef(bucket, key)).toList();
    }
}
