package org.hmis.predictions.lambda.snapstart;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;
import org.hmis.predictions.lambda.trigger.Trigger;
import org.hmis.predictions.lambda.trigger.TriggerJson;

/**
 * What the functions' SnapStart priming hooks share. Lambda takes the snapshot after the handler is built and runs
 * each registered {@link Resource#beforeCheckpoint} first: a hook loads classes and walks code paths there, so a
 * restored container does not, and never opens a connection or reads a secret (what is in the snapshot is restored
 * into every container, for as long as the version lives). Outside SnapStart nothing calls the hooks.
 */
public final class Priming {
    /** The shape of a summary, so the record serializer's path is walked without naming a step's own record. */
    private record Answer(String step, String runId, Instant startedAt, List<String> parts, Map<String, Long> counts) {}

    private Priming() {}

    /**
     * Registers {@code hook} with the global context. The context may hold it weakly: the handler keeps the
     * returned reference for as long as it lives.
     */
    public static <R extends Resource> R register(R hook) {
        Core.getGlobalContext().register(hook);
        return hook;
    }

    /**
     * Parses {@code event} as a handler does and writes a summary-shaped answer nowhere: Jackson's tree reading, the
     * trigger's parsing and the record, list, map and java.time writers are loaded and run once.
     */
    public static Trigger parseAndAnswer(String event) {
        Trigger trigger = Trigger.parse(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)));
        TriggerJson.write(
                OutputStream.nullOutputStream(),
                new Answer("priming", "", Instant.EPOCH, List.of("part-00000.csv"), Map.of("rows", 0L)));
        return trigger;
    }
}
