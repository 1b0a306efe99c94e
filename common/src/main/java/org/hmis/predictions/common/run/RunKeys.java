package org.hmis.predictions.common.run;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The S3 key layout (docs/architecture.md, "S3 keys"), in one place, for writers, readers, event filters and the
 * template checks:
 * <pre>
 * models/&lt;modelName&gt;/model.txt, models/&lt;modelName&gt;/model.json
 * wrangled/&lt;runId&gt;/part-NNNNN.csv, wrangled/&lt;runId&gt;/rejected.csv, wrangled/&lt;runId&gt;/_manifest.json
 * predictions/&lt;runId&gt;/part-NNNNN.csv
 * </pre>
 */
public final class RunKeys {
    public static final String MODELS_PREFIX = "models/";
    public static final String WRANGLED_PREFIX = "wrangled/";
    public static final String PREDICTIONS_PREFIX = "predictions/";
    public static final int MAX_PARTS = 100_000;

    private static final Pattern PART_KEY =
            Pattern.compile("(wrangled|predictions)/(\\d{8}T\\d{6}Z-[0-9a-f]{4})/part-(\\d{5})\\.csv");

    private RunKeys() {}

    /** The kind of data a part holds. */
    public enum Stage {
        WRANGLED(WRANGLED_PREFIX),
        PREDICTIONS(PREDICTIONS_PREFIX);

        private final String prefix;

        Stage(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    /** One part of one run, as named by its key. */
    public record Part(Stage stage, RunId runId, int number) {
        public Part {
            if (number < 0 || number >= MAX_PARTS) {
                throw new IllegalArgumentException("part number " + number + " is outside 0.." + (MAX_PARTS - 1));
            }
        }

        public String key() {
            return stage.prefix() + runId + "/part-" + String.format("%05d", number) + ".csv";
        }

        /** The same part one stage on: the predictions written for a wrangled part. */
        public Part asPredictions() {
            return new Part(Stage.PREDICTIONS, runId, number);
        }
    }

    public static Part wrangledPart(RunId runId, int number) {
        return new Part(Stage.WRANGLED, runId, number);
    }

    public static Part predictionsPart(RunId runId, int number) {
        return new Part(Stage.PREDICTIONS, runId, number);
    }

    public static String wrangledRunPrefix(RunId runId) {
        return WRANGLED_PREFIX + runId + "/";
    }

    public static String predictionsRunPrefix(RunId runId) {
        return PREDICTIONS_PREFIX + runId + "/";
    }

    public static String rejectedKey(RunId runId) {
        return WRANGLED_PREFIX + runId + "/rejected.csv";
    }

    /** The run's manifest ({@link RunManifest}), written after its last part. */
    public static String runManifestKey(RunId runId) {
        return WRANGLED_PREFIX + runId + "/_manifest.json";
    }

    public static String modelKey(String modelName) {
        return MODELS_PREFIX + modelName + "/model.txt";
    }

    public static String manifestKey(String modelName) {
        return MODELS_PREFIX + modelName + "/model.json";
    }

    /** The key of an object {@code file} beside a model's model.txt, such as its risk model. */
    public static String modelFileKey(String modelName, String file) {
        return MODELS_PREFIX + modelName + "/" + file;
    }

    /** The part a key names, or empty when the key is not a part (a rejected file, a model, anything else). */
    public static Optional<Part> parsePart(String key) {
        Matcher m = PART_KEY.matcher(key);
        if (!m.matches()) {
            return Optional.empty();
        }
        Stage stage = m.group(1).equals("wrangled") ? Stage.WRANGLED : Stage.PREDICTIONS;
        return Optional.of(new Part(stage, RunId.parse(m.group(2)), Integer.parseInt(m.group(3))));
    }

    /** Like {@link #parsePart} for a key that must be a part of the given stage; the error names the key. */
    public static Part requirePart(String key, Stage stage) {
        return parsePart(key)
                .filter(p -> p.stage() == stage)
                .orElseThrow(() -> new IllegalArgumentException(
                        "'" + key + "' is not a " + stage.name().toLowerCase(java.util.Locale.ROOT) + " part key ("
                                + stage.prefix() + "<runId>/part-NNNNN.csv)"));
    }
}
