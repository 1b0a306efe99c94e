package org.hmis.predictions.lambda.snapstart;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.hmis.predictions.lambda.trigger.Trigger;
import org.hmis.predictions.lambda.trigger.TriggerJson;

/**
 * A function's SnapStart priming hook. Lambda takes the snapshot after the handler is built and runs each registered
 * {@link Resource#beforeCheckpoint} first: there the hook parses a sample event as the handler does and reads it as
 * the step would, writes a summary-shaped answer nowhere, loads the classes the function names, and last releases
 * what must not be in the snapshot (the pool's connections and credentials). So a restored container does not walk
 * those paths again, and nothing is ever connected or read from a secret before the snapshot (what is in it is
 * restored into every container, for as long as the version lives). After the restore nothing is needed: the first
 * invocation resolves credentials and connects. Outside SnapStart nothing calls the hook.
 */
public final class Priming implements Resource {
    /** A night's schedule, as the template's schedules send it: the sample of a step started by a schedule. */
    public static final String SCHEDULE_EVENT = "{\"trigger\":\"schedule\",\"scheduledTime\":\"2026-01-01T02:00:00Z\"}";

    /** The shape of a summary, so the record serializer's path is walked without naming a step's own record. */
    private record Answer(String step, String runId, Instant startedAt, List<String> parts, Map<String, Long> counts) {}

    private final String sampleEvent;
    private final Consumer<Trigger> read;
    private final List<Runnable> loads;
    private final List<Runnable> releases;

    private Priming(String sampleEvent, Consumer<Trigger> read, List<Runnable> loads, List<Runnable> releases) {
        this.sampleEvent = sampleEvent;
        this.read = read;
        this.loads = List.copyOf(loads);
        this.releases = List.copyOf(releases);
    }

    /**
     * A hook that parses {@code sampleEvent} and hands the trigger to {@code read}, which reads it as the handler's
     * step would (and refuses it as the handler would, so a sample the function does not take fails the hook).
     */
    public static Priming of(String sampleEvent, Consumer<Trigger> read) {
        return new Priming(Objects.requireNonNull(sampleEvent), Objects.requireNonNull(read), List.of(), List.of());
    }

    /** This hook, also running {@code loaders} (each loads classes, sending nothing anywhere) after the sample. */
    public Priming loading(Runnable... loaders) {
        List<Runnable> all = new ArrayList<>(loads);
        all.addAll(List.of(loaders));
        return new Priming(sampleEvent, read, all, releases);
    }

    /** This hook, also running {@code releasers} last (each closes connections and forgets credentials). */
    public Priming releasing(Runnable... releasers) {
        List<Runnable> all = new ArrayList<>(releases);
        all.addAll(List.of(releasers));
        return new Priming(sampleEvent, read, loads, all);
    }

    /**
     * Registers {@code hook} with the global context. The context may hold it weakly: the caller keeps the returned
     * reference for as long as it lives.
     */
    public static Priming register(Priming hook) {
        Core.getGlobalContext().register(hook);
        return hook;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        // Jackson's tree reading, the trigger's parsing and the record, list, map and java.time writers, run once.
        read.accept(Trigger.parse(new ByteArrayInputStream(sampleEvent.getBytes(StandardCharsets.UTF_8))));
        TriggerJson.write(
                OutputStream.nullOutputStream(),
                new Answer("priming", "", Instant.EPOCH, List.of("part-00000.csv"), Map.of("rows", 0L)));
        loads.forEach(Runnable::run);
        releases.forEach(Runnable::run);
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Credentials and connections are resolved at first use, after the restore.
    }
}
