package org.hmis.predictions.infra;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One AWS::Serverless::Function of the template, with the template's Globals applied. */
record TemplateFunction(String logicalId, Map<String, Object> resource, Map<String, Object> properties) {
    /** CodeUri of a deployable jar: the shaded jar the module's build writes, {@code ../<module>/target/<module>.jar}. */
    private static final Pattern SHADED_JAR = Pattern.compile("\\.\\./([a-z][a-z0-9-]*)/target/\\1\\.jar");

    String handler() {
        return String.valueOf(properties.get("Handler"));
    }

    String codeUri() {
        return String.valueOf(properties.get("CodeUri"));
    }

    /** The Maven module whose shaded jar CodeUri names; the error says what CodeUri should look like. */
    String module() {
        Matcher m = SHADED_JAR.matcher(codeUri());
        if (!m.matches()) {
            throw new AssertionError(logicalId + ": CodeUri '" + codeUri()
                    + "' is not a module's shaded jar, ../<module>/target/<module>.jar");
        }
        return m.group(1);
    }

    Path jar() {
        return Template.DIRECTORY.resolve(codeUri()).normalize();
    }

    PipelineStep step() {
        return PipelineStep.ofModule(module());
    }

    Optional<Object> property(String name) {
        return Optional.ofNullable(properties.get(name));
    }

    Map<String, Object> metadata() {
        return Template.map(resource.getOrDefault("Metadata", Map.of()));
    }

    /** The environment variables as written (intrinsics unevaluated). */
    Map<String, Object> environmentNodes() {
        Object environment = properties.get("Environment");
        if (environment == null) {
            return Map.of();
        }
        return Template.map(Template.map(environment).getOrDefault("Variables", Map.of()));
    }

    /** The environment one deployment gives the function; a variable whose value is AWS::NoValue is not set. */
    Map<String, String> environment(TemplateEvaluation deployment) {
        Map<String, String> env = new LinkedHashMap<>();
        environmentNodes()
                .forEach((name, node) -> deployment.evaluate(node).ifPresent(v -> env.put(name, deployment.string(v))));
        return env;
    }

    Map<String, Map<String, Object>> events() {
        Map<String, Map<String, Object>> events = new LinkedHashMap<>();
        Template.map(properties.getOrDefault("Events", Map.of()))
                .forEach((name, event) -> events.put(name, Template.map(event)));
        return events;
    }

    /** Events of one SAM event type (S3, ScheduleV2, HttpApi, ...), each as its Properties. */
    List<Map<String, Object>> eventsOfType(String type) {
        return events().values().stream()
                .filter(e -> type.equals(e.get("Type")))
                .map(e -> Template.map(e.getOrDefault("Properties", Map.of())))
                .toList();
    }

    /** Every entry of Policies as one deployment evaluates it (an !If branch, or nothing for AWS::NoValue). */
    List<Object> policies(TemplateEvaluation deployment) {
        List<Object> policies = new ArrayList<>();
        Object declared = properties.get("Policies");
        if (declared == null) {
            return policies;
        }
        List<Object> entries = declared instanceof List<?> ? Template.list(declared) : List.of(declared);
        entries.forEach(entry -> deployment.evaluate(entry).ifPresent(policies::add));
        return policies;
    }

    /** The properties a function refers to resources from, Events aside (SAM wires those the other way round). */
    Map<String, Object> propertiesExceptEvents() {
        Map<String, Object> rest = new LinkedHashMap<>(properties);
        rest.remove("Events");
        return rest;
    }
}
