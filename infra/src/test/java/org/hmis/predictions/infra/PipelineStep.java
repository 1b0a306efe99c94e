package org.hmis.predictions.infra;

import static org.hmis.predictions.common.run.RunKeys.MODELS_PREFIX;
import static org.hmis.predictions.common.run.RunKeys.PREDICTIONS_PREFIX;
import static org.hmis.predictions.common.run.RunKeys.WRANGLED_PREFIX;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What each step of the pipeline is, as docs/architecture.md and the code have it: its module, the settings it
 * reads, the S3 prefixes (RunKeys) it reads, writes and removes, what starts it, and whether it invokes its own function. The template is checked against this.
 */
@SuppressWarnings("ImmutableEnumChecker") // every field holds List.of, Set.of or Optional: immutable
enum PipelineStep {
    REMOVE_EXITED(
            "remove-exited-predictions",
            EnumSet.of(Setting.DATABASE, Setting.GUESTS_TABLE, Setting.MIGRATE),
            List.of(),
            List.of(),
            List.of(),
            EnumSet.of(Starter.SCHEDULE, Starter.DIRECT),
            Optional.empty(),
            false),
    WRANGLE(
            "wrangle-step",
            EnumSet.of(
                    Setting.DATABASE, Setting.GUESTS_TABLE, Setting.STORAGE, Setting.PART_ROWS, Setting.FULL_REFRESH),
            // The model's manifest, and model.txt's ETag.
            List.of(MODELS_PREFIX),
            List.of(WRANGLED_PREFIX),
            // A failed run started again removes its earlier attempt's parts.
            List.of(WRANGLED_PREFIX, PREDICTIONS_PREFIX),
            EnumSet.of(Starter.SCHEDULE, Starter.HTTP_API, Starter.DIRECT),
            Optional.empty(),
            true),
    PREDICT(
            "predict-step",
            EnumSet.of(Setting.STORAGE, Setting.MODEL_NAME, Setting.EXPLAIN),
            List.of(MODELS_PREFIX, WRANGLED_PREFIX),
            List.of(PREDICTIONS_PREFIX),
            List.of(),
            EnumSet.of(Starter.S3, Starter.DIRECT),
            Optional.of(WRANGLED_PREFIX),
            false),
    UPDATE_DB(
            "update-db-step",
            EnumSet.of(Setting.DATABASE, Setting.GUESTS_TABLE, Setting.STORAGE),
            // A predictions part, and the wrangled part it came from (what the prediction was made from).
            List.of(PREDICTIONS_PREFIX, WRANGLED_PREFIX),
            List.of(),
            List.of(),
            EnumSet.of(Starter.S3, Starter.DIRECT),
            Optional.of(PREDICTIONS_PREFIX),
            false);

    /** What can start a step. */
    enum Starter {
        SCHEDULE,
        HTTP_API,
        S3,
        DIRECT
    }

    private final String module;
    private final Set<Setting> settings;
    private final List<String> reads;
    private final List<String> writes;
    private final List<String> deletes;
    private final Set<Starter> starters;
    private final Optional<String> triggerPrefix;
    private final boolean invokesItself;

    PipelineStep(
            String module,
            Set<Setting> settings,
            List<String> reads,
            List<String> writes,
            List<String> deletes,
            Set<Starter> starters,
            Optional<String> triggerPrefix,
            boolean invokesItself) {
        this.module = module;
        this.settings = settings;
        this.reads = reads;
        this.writes = writes;
        this.deletes = deletes;
        this.starters = starters;
        this.triggerPrefix = triggerPrefix;
        this.invokesItself = invokesItself;
    }

    static PipelineStep ofModule(String module) {
        return Arrays.stream(values())
                .filter(s -> s.module.equals(module))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no pipeline step is built by module " + module));
    }

    String module() {
        return module;
    }

    Set<Setting> settings() {
        return settings;
    }

    List<String> reads() {
        return reads;
    }

    List<String> writes() {
        return writes;
    }

    /** Prefixes the step removes objects under. */
    List<String> deletes() {
        return deletes;
    }

    Set<Starter> starters() {
        return starters;
    }

    /** The prefix whose ObjectCreated events start this step, if S3 starts it. */
    Optional<String> triggerPrefix() {
        return triggerPrefix;
    }

    /** Whether the handler queues work as an asynchronous invocation of its own function (wrangle's POST /refresh). */
    boolean invokesItself() {
        return invokesItself;
    }

    boolean needsDatabase() {
        return settings.contains(Setting.DATABASE);
    }
}
