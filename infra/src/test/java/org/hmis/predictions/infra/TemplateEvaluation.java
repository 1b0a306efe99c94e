package org.hmis.predictions.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates a template's intrinsic functions for one deployment: given parameter values and pseudo parameters,
 * {@code !Sub}, {@code !Ref}, {@code !If} and the condition functions give the values CloudFormation would.
 * A reference to a resource or one of its attributes cannot be known before a deployment, so it evaluates to a
 * {@link ResourceReference} that tests compare by logical id. {@code !Ref AWS::NoValue} evaluates to empty.
 */
final class TemplateEvaluation {
    /** The pseudo parameters of a stack deployed with the samconfig.toml stack name in a placeholder account. */
    static final Map<String, Object> PSEUDO_PARAMETERS = Map.of(
            "AWS::AccountId", "123456789012",
            "AWS::Region", "us-east-1",
            "AWS::Partition", "aws",
            "AWS::URLSuffix", "amazonaws.com",
            "AWS::StackName", "exit-destination-refresh",
            "AWS::StackId",
                    "arn:aws:cloudformation:us-east-1:123456789012:stack/exit-destination-refresh/0b1c2d3e-4f5a-11f0-9a8b-0a1b2c3d4e5f",
            "AWS::NotificationARNs", List.of());

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{(!?)([^}]*)}");

    /** A resource's Ref or GetAtt value, unknown until deployment. */
    record ResourceReference(String logicalId, Optional<String> attribute) {
        @Override
        public String toString() {
            return attribute.map(a -> "${" + logicalId + "." + a + "}").orElse("${" + logicalId + "}");
        }
    }

    private final Template template;
    private final Map<String, Object> parameters;
    private final Map<String, Object> pseudoParameters;

    private TemplateEvaluation(
            Template template, Map<String, Object> parameters, Map<String, Object> pseudoParameters) {
        this.template = template;
        this.parameters = Map.copyOf(parameters);
        this.pseudoParameters = Map.copyOf(pseudoParameters);
    }

    /**
     * The template's parameters at their defaults, overridden by {@code values}; every parameter without a
     * default must be given. List parameters take a comma-separated string, as the CLI does.
     */
    static TemplateEvaluation of(Template template, Map<String, String> values) {
        return of(template, values, PSEUDO_PARAMETERS);
    }

    static TemplateEvaluation of(Template template, Map<String, String> values, Map<String, Object> pseudoParameters) {
        Map<String, Object> resolved = new LinkedHashMap<>();
        template.parameters().forEach((name, declaration) -> {
            Object raw = values.containsKey(name) ? values.get(name) : declaration.get("Default");
            if (raw == null) {
                throw new IllegalArgumentException("parameter " + name + " has no default and no value was given");
            }
            String type = String.valueOf(declaration.get("Type"));
            String text = String.valueOf(raw);
            resolved.put(
                    name,
                    type.startsWith("List<") || type.equals("CommaDelimitedList")
                            ? (text.isEmpty() ? List.of("") : List.of(text.split(",", -1)))
                            : text);
        });
        values.keySet().stream()
                .filter(v -> !template.parameters().containsKey(v))
                .findFirst()
                .ifPresent(v -> {
                    throw new IllegalArgumentException("the template has no parameter " + v);
                });
        return new TemplateEvaluation(template, resolved, pseudoParameters);
    }

    Object parameter(String name) {
        Object value = parameters.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the template has no parameter " + name);
        }
        return value;
    }

    boolean condition(String name) {
        Object definition = template.conditions().get(name);
        if (definition == null) {
            throw new IllegalArgumentException("the template has no condition " + name);
        }
        return asBoolean(evaluate(definition).orElseThrow());
    }

    /** The value of a template node; empty for {@code AWS::NoValue}. Lists and maps are evaluated element-wise. */
    Optional<Object> evaluate(Object node) {
        if (node instanceof Map<?, ?> map && map.size() == 1) {
            String key = String.valueOf(map.keySet().iterator().next());
            Object argument = map.values().iterator().next();
            if (key.equals("Ref") || key.equals("Condition") || key.startsWith("Fn::")) {
                return intrinsic(key, argument);
            }
        }
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> result = new LinkedHashMap<>();
            map.forEach((k, v) -> evaluate(v).ifPresent(value -> result.put(String.valueOf(k), value)));
            return Optional.of(result);
        }
        if (node instanceof List<?> list) {
            List<Object> result = new ArrayList<>();
            list.forEach(element -> evaluate(element).ifPresent(result::add));
            return Optional.of(result);
        }
        return Optional.ofNullable(node);
    }

    /** A node that must evaluate to a string (or a number, as YAML may read one). */
    String string(Object node) {
        Object value = evaluate(node).orElseThrow(() -> new IllegalArgumentException("no value: " + node));
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        throw new IllegalArgumentException("not a string once deployed: " + node + " (is " + value + ")");
    }

    private Optional<Object> intrinsic(String function, Object argument) {
        List<?> parts = argument instanceof List<?> list ? list : List.of();
        return switch (function) {
            case "Ref" -> ref(String.valueOf(argument));
            case "Condition" -> Optional.of(condition(String.valueOf(argument)));
            case "Fn::Sub" -> Optional.of(sub(argument));
            case "Fn::GetAtt" -> {
                String logicalId = String.valueOf(parts.get(0));
                requireResource(logicalId);
                yield Optional.of(new ResourceReference(logicalId, Optional.of(string(parts.get(1)))));
            }
            case "Fn::If" -> evaluate(condition(String.valueOf(parts.get(0))) ? parts.get(1) : parts.get(2));
            case "Fn::Equals" -> Optional.of(evaluate(parts.get(0)).equals(evaluate(parts.get(1))));
            case "Fn::Not" -> Optional.of(!asBoolean(evaluate(parts.get(0)).orElseThrow()));
            case "Fn::And" ->
                Optional.of(parts.stream().allMatch(c -> asBoolean(evaluate(c).orElseThrow())));
            case "Fn::Or" ->
                Optional.of(parts.stream().anyMatch(c -> asBoolean(evaluate(c).orElseThrow())));
            case "Fn::Join" -> {
                List<?> items = (List<?>) evaluate(parts.get(1)).orElseThrow();
                List<String> texts = new ArrayList<>();
                items.forEach(item -> texts.add(String.valueOf(item)));
                yield Optional.of(String.join(string(parts.get(0)), texts));
            }
            case "Fn::Select" -> {
                List<?> items = (List<?>) evaluate(parts.get(1)).orElseThrow();
                yield Optional.of(items.get(Integer.parseInt(string(parts.get(0)))));
            }
            case "Fn::Split" ->
                Optional.of(List.of(string(parts.get(1)).split(Pattern.quote(string(parts.get(0))), -1)));
            case "Fn::FindInMap" -> {
                Map<?, ?> map = (Map<?, ?>) template.mappings().get(string(parts.get(0)));
                Map<?, ?> level = (Map<?, ?>) map.get(string(parts.get(1)));
                yield evaluate(level.get(string(parts.get(2))));
            }
            default ->
                throw new UnsupportedOperationException(
                        function + " is not evaluated by these tests; add it to TemplateEvaluation");
        };
    }

    private Optional<Object> ref(String name) {
        if (name.equals("AWS::NoValue")) {
            return Optional.empty();
        }
        if (pseudoParameters.containsKey(name)) {
            return Optional.of(pseudoParameters.get(name));
        }
        if (parameters.containsKey(name)) {
            return Optional.of(parameters.get(name));
        }
        requireResource(name);
        return Optional.of(new ResourceReference(name, Optional.empty()));
    }

    private String sub(Object argument) {
        String text;
        Map<?, ?> variables;
        if (argument instanceof List<?> parts) {
            text = String.valueOf(parts.get(0));
            variables = (Map<?, ?>) parts.get(1);
        } else {
            text = String.valueOf(argument);
            variables = Map.of();
        }
        Matcher m = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (!m.group(1).isEmpty()) {
                replacement = "${" + m.group(2) + "}"; // ${!Literal} writes ${Literal}
            } else if (variables.containsKey(m.group(2))) {
                replacement = String.valueOf(evaluate(variables.get(m.group(2))).orElseThrow());
            } else if (m.group(2).contains(".")) {
                String[] parts = m.group(2).split("\\.", 2);
                requireResource(parts[0]);
                replacement = new ResourceReference(parts[0], Optional.of(parts[1])).toString();
            } else {
                Object value = ref(m.group(2)).orElseThrow();
                if (value instanceof List<?>) {
                    throw new IllegalArgumentException("!Sub cannot insert the list parameter " + m.group(2));
                }
                replacement = String.valueOf(value);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private void requireResource(String logicalId) {
        if (!template.resources().containsKey(logicalId)) {
            throw new IllegalArgumentException(
                    "the template refers to " + logicalId + ", which is neither a parameter nor a resource");
        }
    }

    private static boolean asBoolean(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("not a condition value: " + value);
    }
}
