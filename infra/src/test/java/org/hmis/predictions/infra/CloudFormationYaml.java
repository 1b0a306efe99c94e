package org.hmis.predictions.infra;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a CloudFormation (or SAM) template written in YAML into the same tree its JSON form gives: maps, lists
 * and scalars, with every short-form tag turned into its long form ({@code !Ref X} into {@code {"Ref": "X"}},
 * {@code !Sub s} into {@code {"Fn::Sub": s}}, {@code !GetAtt A.B} into {@code {"Fn::GetAtt": ["A", "B"]}}).
 * Duplicate keys are an error, as they are for CloudFormation.
 */
final class CloudFormationYaml {
    /** Every short-form tag CloudFormation knows, and the long name it stands for. */
    static final Map<String, String> SHORT_TAGS = Map.ofEntries(
            Map.entry("!Ref", "Ref"),
            Map.entry("!Condition", "Condition"),
            Map.entry("!Base64", "Fn::Base64"),
            Map.entry("!Cidr", "Fn::Cidr"),
            Map.entry("!FindInMap", "Fn::FindInMap"),
            Map.entry("!GetAtt", "Fn::GetAtt"),
            Map.entry("!GetAZs", "Fn::GetAZs"),
            Map.entry("!ImportValue", "Fn::ImportValue"),
            Map.entry("!Join", "Fn::Join"),
            Map.entry("!Select", "Fn::Select"),
            Map.entry("!Split", "Fn::Split"),
            Map.entry("!Sub", "Fn::Sub"),
            Map.entry("!Transform", "Fn::Transform"),
            Map.entry("!And", "Fn::And"),
            Map.entry("!Equals", "Fn::Equals"),
            Map.entry("!If", "Fn::If"),
            Map.entry("!Not", "Fn::Not"),
            Map.entry("!Or", "Fn::Or"),
            Map.entry("!Length", "Fn::Length"),
            Map.entry("!ToJsonString", "Fn::ToJsonString"));

    private CloudFormationYaml() {}

    static Map<String, Object> read(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object root = parser().load(reader);
            if (!(root instanceof Map<?, ?>)) {
                throw new IllegalArgumentException(file + " is not a YAML mapping");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> template = (Map<String, Object>) root;
            return template;
        }
    }

    private static Yaml parser() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new ShortTagConstructor(options));
    }

    /** SnakeYAML's safe constructor plus one construct per CloudFormation short tag. */
    private static final class ShortTagConstructor extends SafeConstructor {
        ShortTagConstructor(LoaderOptions options) {
            super(options);
            SHORT_TAGS.forEach((tag, longName) -> yamlConstructors.put(new Tag(tag), new IntrinsicConstruct(longName)));
        }

        private final class IntrinsicConstruct extends AbstractConstruct {
            private final String longName;

            IntrinsicConstruct(String longName) {
                this.longName = longName;
            }

            @Override
            public Object construct(Node node) {
                Object argument;
                if (node instanceof ScalarNode scalar) {
                    String text = constructScalar(scalar);
                    // !GetAtt Resource.Attribute is the scalar form of ["Resource", "Attribute"].
                    argument = longName.equals("Fn::GetAtt") ? List.of(text.split("\\.", 2)) : text;
                } else if (node instanceof SequenceNode sequence) {
                    argument = constructSequence(sequence);
                } else if (node instanceof MappingNode mapping) {
                    argument = constructMapping(mapping);
                } else {
                    throw new IllegalArgumentException(
                            "unexpected YAML node for " + longName + " at " + node.getStartMark());
                }
                return Map.of(longName, argument);
            }
        }
    }
}
