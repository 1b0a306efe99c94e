package org.hmis.predictions.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** infra/template.yaml, parsed: its sections as maps, and its functions with the Globals applied. */
final class Template {
    /** Tests run in the module's directory (infra/). */
    static final Path DIRECTORY = Path.of("").toAbsolutePath();

    static final Path FILE = DIRECTORY.resolve("template.yaml");
    static final String SERVERLESS_FUNCTION = "AWS::Serverless::Function";

    private final Map<String, Object> root;

    private Template(Map<String, Object> root) {
        this.root = root;
    }

    static Template load() {
        try {
            return new Template(CloudFormationYaml.read(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FILE, e);
        }
    }

    Map<String, Map<String, Object>> parameters() {
        return section("Parameters");
    }

    Map<String, Object> conditions() {
        return map(root.getOrDefault("Conditions", Map.of()));
    }

    Map<String, Object> mappings() {
        return map(root.getOrDefault("Mappings", Map.of()));
    }

    Map<String, Map<String, Object>> resources() {
        return section("Resources");
    }

    Map<String, Map<String, Object>> outputs() {
        return section("Outputs");
    }

    Map<String, Object> resource(String logicalId) {
        Map<String, Object> resource = resources().get(logicalId);
        if (resource == null) {
            throw new IllegalArgumentException("the template has no resource " + logicalId);
        }
        return resource;
    }

    Map<String, Object> properties(String logicalId) {
        return map(resource(logicalId).getOrDefault("Properties", Map.of()));
    }

    String type(String logicalId) {
        return String.valueOf(resource(logicalId).get("Type"));
    }

    /** Logical ids of the resources of one type, in template order. */
    List<String> resourcesOfType(String type) {
        return resources().entrySet().stream()
                .filter(e -> type.equals(e.getValue().get("Type")))
                .map(Map.Entry::getKey)
                .toList();
    }

    List<TemplateFunction> functions() {
        Map<String, Object> globals =
                map(map(root.getOrDefault("Globals", Map.of())).getOrDefault("Function", Map.of()));
        return resourcesOfType(SERVERLESS_FUNCTION).stream()
                .map(id -> new TemplateFunction(id, resource(id), merge(globals, properties(id))))
                .toList();
    }

    TemplateFunction function(String logicalId) {
        return functions().stream()
                .filter(f -> f.logicalId().equals(logicalId))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the template has no function " + logicalId));
    }

    /** SAM's Globals rule: a function's own map entries merge into the global map; anything else replaces it. */
    static Map<String, Object> merge(Map<String, Object> globals, Map<String, Object> own) {
        Map<String, Object> merged = new LinkedHashMap<>(globals);
        own.forEach((key, value) -> {
            Object global = merged.get(key);
            if (global instanceof Map<?, ?> g && value instanceof Map<?, ?> v && !isIntrinsic(g) && !isIntrinsic(v)) {
                merged.put(key, merge(map(g), map(v)));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    static boolean isIntrinsic(Map<?, ?> map) {
        if (map.size() != 1) {
            return false;
        }
        String key = String.valueOf(map.keySet().iterator().next());
        return key.equals("Ref") || key.equals("Condition") || key.startsWith("Fn::");
    }

    private Map<String, Map<String, Object>> section(String name) {
        Map<String, Map<String, Object>> result = new LinkedHashMap<>();
        map(root.getOrDefault(name, Map.of())).forEach((key, value) -> result.put(key, map(value)));
        return result;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        if (node instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException("expected a mapping, found " + node);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node) {
        if (node instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new IllegalArgumentException("expected a list, found " + node);
    }
}
