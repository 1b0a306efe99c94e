package org.hmis.predictions.common.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The model's classes and which HUD exit destination (guests {@code exit_destination}, HMIS 3.12) falls in
 * which class. The class labels and their index order are fixed; the mapping is configuration, because shelters
 * disagree on some destinations (Transitional Housing, Hotel or Motel without voucher, Place not meant for
 * habitation, Safe Haven). Start from {@link #defaults()} and apply a shelter's overrides.
 *
 * <p>Destinations match exactly, as the intake app stores them. A destination the mapping does not know
 * gives an empty result, for the caller to count.
 */
public final class ExitDestinationClasses {

    /** The class labels in model index order. */
    public static final List<String> LABELS = List.of("es", "other", "perm", "temp", "unknown");

    /** The guests table's column the pipeline owns: one of {@link #LABELS} for a current guest. */
    public static final String PREDICTION_COLUMN = "predicted_exit_destination";

    /** What the prediction column holds for a guest who has left. */
    public static final String EXITED = "exited";

    private static final Map<String, String> DEFAULT_MAPPING = defaultMapping();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> mapping;
    private final Map<String, Integer> classIndex;

    private ExitDestinationClasses(Map<String, String> mapping) {
        Map<String, String> copy = new LinkedHashMap<>();
        Map<String, Integer> index = new HashMap<>();
        mapping.forEach((destination, label) -> {
            if (destination == null || destination.isBlank()) {
                throw new IllegalArgumentException(
                        "an exit destination in the mapping is empty (mapped to '" + label + "')");
            }
            int labelIndex = label == null ? -1 : LABELS.indexOf(label);
            if (labelIndex < 0) {
                throw new IllegalArgumentException("exit destination '" + destination + "' maps to '" + label
                        + "', which is not a class; classes are " + String.join(", ", LABELS));
            }
            copy.put(destination, label);
            index.put(destination, labelIndex);
        });
        this.mapping = Collections.unmodifiableMap(copy);
        this.classIndex = index;
    }

    /** The default mapping of {@code docs/guests-data.md}: the 21 destinations seen, plus the other HUD ones it names. */
    public static ExitDestinationClasses defaults() {
        return new ExitDestinationClasses(DEFAULT_MAPPING);
    }

    /** Exactly the given mapping of exit destination to class label. */
    public static ExitDestinationClasses of(Map<String, String> destinationToClass) {
        return new ExitDestinationClasses(destinationToClass);
    }

    /** This mapping with the given destinations added or moved to another class. */
    public ExitDestinationClasses withOverrides(Map<String, String> destinationToClass) {
        Map<String, String> merged = new LinkedHashMap<>(mapping);
        merged.putAll(destinationToClass);
        return new ExitDestinationClasses(merged);
    }

    /**
     * This mapping with overrides given as a JSON object of destination to class label, e.g.
     * {@code {"Safe Haven": "temp", "Hotel or Motel paid for without Emergency Shelter Voucher": "es"}}.
     *
     * @throws IllegalArgumentException when the text is not such an object, naming the problem
     */
    public ExitDestinationClasses withJsonOverrides(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "exit-destination overrides are not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(
                    "exit-destination overrides must be a JSON object of destination to class, "
                            + "e.g. {\"Safe Haven\": \"temp\"}");
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            if (!entry.getValue().isTextual()) {
                throw new IllegalArgumentException("exit-destination override for '" + entry.getKey()
                        + "' must be a class name string, got " + entry.getValue());
            }
            overrides.put(entry.getKey(), entry.getValue().textValue());
        }
        return withOverrides(overrides);
    }

    /** The number of classes. */
    public static int classCount() {
        return LABELS.size();
    }

    /** The label of the class at the given model index. */
    public static String label(int classIndex) {
        return LABELS.get(classIndex);
    }

    /**
     * The model index of the given class label.
     *
     * @throws IllegalArgumentException when it is not a class label
     */
    public static int indexOf(String label) {
        int index = LABELS.indexOf(label);
        if (index < 0) {
            throw new IllegalArgumentException(
                    "'" + label + "' is not a class; classes are " + String.join(", ", LABELS));
        }
        return index;
    }

    /** The class index of an exit destination, empty when the mapping does not know it. */
    public OptionalInt classIndex(String exitDestination) {
        Integer index = classIndex.get(Objects.requireNonNull(exitDestination, "exitDestination"));
        return index == null ? OptionalInt.empty() : OptionalInt.of(index);
    }

    /** The class label of an exit destination, empty when the mapping does not know it. */
    public Optional<String> classLabel(String exitDestination) {
        return Optional.ofNullable(mapping.get(Objects.requireNonNull(exitDestination, "exitDestination")));
    }

    /** The whole mapping, destination to class label. */
    public Map<String, String> mapping() {
        return mapping;
    }

    private static Map<String, String> defaultMapping() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Rental by client with RRH or equivalent subsidy", "perm");
        m.put("Rental by client, no ongoing housing subsidy", "perm");
        m.put("Rental by client, other ongoing housing subsidy", "perm");
        m.put("Owned by client, no ongoing housing subsidy", "perm");
        m.put("Staying or living with family, permanent tenure", "perm");
        m.put("Staying or living with friends, permanent tenure", "perm");
        m.put("Permanent housing (other than RRH) for formerly homeless persons", "perm");

        m.put("Staying or living with family, temporary tenure (e.g., room, apartment or house)", "temp");
        m.put("Staying or living with friends, temporary tenure (e.g., room, apartment or house)", "temp");
        m.put("Hotel or Motel paid for without Emergency Shelter Voucher", "temp");
        m.put("Transitional Housing for homeless persons (including homeless youth)", "temp");

        m.put(
                "Emergency shelter, including hotel or motel paid for with emergency shelter voucher, or RHY-funded Host Home shelter",
                "es");

        m.put("No exit interview completed", "unknown");
        m.put("Client refused", "unknown");
        m.put("Client doesn't know", "unknown");
        m.put("Data not collected", "unknown");

        m.put("Other", "other");
        m.put(
                "Place not meant for habitation (e.g., a vehicle, an abandoned building, bus/train/subway station/airport or anywhere outside)",
                "other");
        m.put("Safe Haven", "other");
        m.put("Substance Abuse Treatment or Detox Center", "other");
        m.put("Foster Care Home or Foster Care Group Home", "other");
        m.put("Psychiatric Hospital or Other Psychiatric Facility", "other");
        // Institutions not seen in the export, in HUD's wording.
        m.put("Jail, prison or juvenile detention facility", "other");
        m.put("Hospital or other residential non-psychiatric medical facility", "other");
        m.put("Long-term care facility or nursing home", "other");
        m.put("Deceased", "other");
        return Collections.unmodifiableMap(m);
    }
}
