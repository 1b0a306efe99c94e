package org.hmis.predictions.infra;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hmis.predictions.infra.PipelineStep.Starter;
import org.hmis.predictions.lambda.trigger.TriggerJson;

/** The sample events in infra/events/&lt;module&gt;/, one per way a step is started, for `sam local invoke -e`. */
final class SampleEvents {
    static final Path DIRECTORY = Template.DIRECTORY.resolve("events");

    /** What a sample file is, by the start of its name. */
    enum Kind {
        SCHEDULER_INPUT("scheduler-input", Starter.SCHEDULE),
        EVENTBRIDGE_RULE("eventbridge-scheduled", Starter.SCHEDULE),
        HTTP_API("http-api-", Starter.HTTP_API),
        S3("s3-", Starter.S3),
        DIRECT("direct", Starter.DIRECT);

        private final String namePrefix;
        private final Starter starter;

        Kind(String namePrefix, Starter starter) {
            this.namePrefix = namePrefix;
            this.starter = starter;
        }

        Starter starter() {
            return starter;
        }

        static Optional<Kind> of(Path file) {
            String name = file.getFileName().toString();
            return Arrays.stream(values())
                    .filter(k -> name.startsWith(k.namePrefix))
                    .findFirst();
        }
    }

    /** One sample: the step it is for, its kind and its file. */
    record Sample(PipelineStep step, Kind kind, Path file) {
        @Override
        public String toString() {
            return Template.DIRECTORY.relativize(file).toString();
        }
    }

    private SampleEvents() {}

    static Path directory(PipelineStep step) {
        return DIRECTORY.resolve(step.module());
    }

    static List<Sample> of(PipelineStep step) {
        try (Stream<Path> files = Files.list(directory(step))) {
            return files.filter(p -> p.toString().endsWith(".json"))
                    .sorted()
                    .map(p -> new Sample(
                            step,
                            Kind.of(p)
                                    .orElseThrow(() -> new AssertionError(p + " is no known kind of sample ("
                                            + Arrays.toString(Kind.values()) + ")")),
                            p))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory(step), e);
        }
    }

    static List<Sample> all() {
        return Arrays.stream(PipelineStep.values()).flatMap(s -> of(s).stream()).toList();
    }

    /**
     * An HTTP API event with every run id of its body (decoded first when the body is base64) replaced by
     * {@code replacement}'s answer for it; the rest of the event as it was.
     */
    static byte[] withBodyRunIds(String event, Pattern runId, Function<String, String> replacement) throws IOException {
        ObjectNode json = (ObjectNode) TriggerJson.MAPPER.readTree(event);
        if (json.hasNonNull("body")) {
            boolean base64 = json.path("isBase64Encoded").asBoolean(false);
            String body = json.get("body").asText();
            String decoded = base64 ? new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8) : body;
            String replaced = runId.matcher(decoded).replaceAll(m -> replacement.apply(m.group()));
            json.put(
                    "body",
                    base64 ? Base64.getEncoder().encodeToString(replaced.getBytes(StandardCharsets.UTF_8)) : replaced);
        }
        return TriggerJson.MAPPER.writeValueAsBytes(json);
    }
}
