package org.hmis.predictions.common.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ExitDestinationClassesTest {

    /** The 21 exit_destination values of docs/guests-data.md with their class in its default mapping. */
    static final Map<String, String> README_DESTINATIONS = new LinkedHashMap<>();

    static {
        README_DESTINATIONS.put(
                "Emergency shelter, including hotel or motel paid for with emergency shelter voucher, or RHY-funded Host Home shelter",
                "es");
        README_DESTINATIONS.put("No exit interview completed", "unknown");
        README_DESTINATIONS.put("Client refused", "unknown");
        README_DESTINATIONS.put("Rental by client with RRH or equivalent subsidy", "perm");
        README_DESTINATIONS.put("Rental by client, no ongoing housing subsidy", "perm");
        README_DESTINATIONS.put("Rental by client, other ongoing housing subsidy", "perm");
        README_DESTINATIONS.put("Transitional Housing for homeless persons (including homeless youth)", "temp");
        README_DESTINATIONS.put(
                "Place not meant for habitation (e.g., a vehicle, an abandoned building, bus/train/subway station/airport or anywhere outside)",
                "other");
        README_DESTINATIONS.put("Staying or living with family, permanent tenure", "perm");
        README_DESTINATIONS.put(
                "Staying or living with family, temporary tenure (e.g., room, apartment or house)", "temp");
        README_DESTINATIONS.put(
                "Staying or living with friends, temporary tenure (e.g., room, apartment or house)", "temp");
        README_DESTINATIONS.put("Staying or living with friends, permanent tenure", "perm");
        README_DESTINATIONS.put("Permanent housing (other than RRH) for formerly homeless persons", "perm");
        README_DESTINATIONS.put("Hotel or Motel paid for without Emergency Shelter Voucher", "temp");
        README_DESTINATIONS.put("Other", "other");
        README_DESTINATIONS.put("Safe Haven", "other");
        README_DESTINATIONS.put("Client doesn't know", "unknown");
        README_DESTINATIONS.put("Foster Care Home or Foster Care Group Home", "other");
        README_DESTINATIONS.put("Substance Abuse Treatment or Detox Center", "other");
        README_DESTINATIONS.put("Psychiatric Hospital or Other Psychiatric Facility", "other");
        README_DESTINATIONS.put("Owned by client, no ongoing housing subsidy", "perm");
    }

    private final ExitDestinationClasses classes = ExitDestinationClasses.defaults();

    @Test
    void classesAreInModelIndexOrder() {
        assertEquals(List.of("es", "other", "perm", "temp", "unknown"), ExitDestinationClasses.LABELS);
        assertEquals(5, ExitDestinationClasses.classCount());
        assertEquals("perm", ExitDestinationClasses.label(2));
        assertEquals(4, ExitDestinationClasses.indexOf("unknown"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ExitDestinationClasses.indexOf("exited"));
        assertEquals("'exited' is not a class; classes are es, other, perm, temp, unknown", e.getMessage());
    }

    @Test
    void defaultMappingPutsAllTwentyOneSeenDestinationsInTheReadmesClass() {
        assertEquals(21, README_DESTINATIONS.size());
        README_DESTINATIONS.forEach((destination, label) -> {
            assertEquals(Optional.of(label), classes.classLabel(destination), destination);
            assertEquals(
                    OptionalInt.of(ExitDestinationClasses.LABELS.indexOf(label)),
                    classes.classIndex(destination),
                    destination);
        });
    }

    @Test
    void defaultMappingAlsoCoversDestinationsNotSeen() {
        assertEquals(Optional.of("unknown"), classes.classLabel("Data not collected"));
        assertEquals(Optional.of("other"), classes.classLabel("Deceased"));
        assertEquals(Optional.of("other"), classes.classLabel("Jail, prison or juvenile detention facility"));
        assertEquals(
                Optional.of("other"),
                classes.classLabel("Hospital or other residential non-psychiatric medical facility"));
        assertEquals(Optional.of("other"), classes.classLabel("Long-term care facility or nursing home"));
        assertEquals(26, classes.mapping().size());
    }

    @Test
    void unmappedDestinationsAreEmpty() {
        assertEquals(Optional.empty(), classes.classLabel("Moved to the moon"));
        assertEquals(OptionalInt.empty(), classes.classIndex("safe haven"));
    }

    @Test
    void overridesMoveOrAddDestinationsAndLeaveTheRest() {
        ExitDestinationClasses shelter = classes.withOverrides(Map.of("Safe Haven", "temp", "Jail or prison", "other"));
        assertEquals(Optional.of("temp"), shelter.classLabel("Safe Haven"));
        assertEquals(Optional.of("other"), shelter.classLabel("Jail or prison"));
        assertEquals(Optional.of("perm"), shelter.classLabel("Owned by client, no ongoing housing subsidy"));
        assertEquals(Optional.of("other"), classes.classLabel("Safe Haven"), "the defaults are unchanged");
    }

    @Test
    void jsonOverrides() {
        ExitDestinationClasses shelter = classes.withJsonOverrides(
                "{\"Hotel or Motel paid for without Emergency Shelter Voucher\": \"es\", \"Safe Haven\": \"es\"}");
        assertEquals(
                Optional.of("es"), shelter.classLabel("Hotel or Motel paid for without Emergency Shelter Voucher"));
        assertEquals(OptionalInt.of(0), shelter.classIndex("Safe Haven"));
    }

    @Test
    void badMappingsAreRefusedNamingTheProblem() {
        IllegalArgumentException wrongClass = assertThrows(
                IllegalArgumentException.class, () -> classes.withOverrides(Map.of("Safe Haven", "shelter")));
        assertEquals(
                "exit destination 'Safe Haven' maps to 'shelter', which is not a class; classes are es, other, perm, temp, unknown",
                wrongClass.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ExitDestinationClasses.of(Map.of(" ", "es")));
        IllegalArgumentException notJson =
                assertThrows(IllegalArgumentException.class, () -> classes.withJsonOverrides("{Safe Haven"));
        assertTrue(
                notJson.getMessage().startsWith("exit-destination overrides are not valid JSON"), notJson.getMessage());
        IllegalArgumentException array =
                assertThrows(IllegalArgumentException.class, () -> classes.withJsonOverrides("[\"es\"]"));
        assertTrue(
                array.getMessage().startsWith("exit-destination overrides must be a JSON object"), array.getMessage());
        IllegalArgumentException number =
                assertThrows(IllegalArgumentException.class, () -> classes.withJsonOverrides("{\"Other\": 1}"));
        assertEquals("exit-destination override for 'Other' must be a class name string, got 1", number.getMessage());
    }

    @Test
    void aMappingCanBeGivenWhole() {
        ExitDestinationClasses two = ExitDestinationClasses.of(Map.of("Other", "other", "Safe Haven", "temp"));
        assertEquals(2, two.mapping().size());
        assertEquals(Optional.empty(), two.classLabel("Client refused"));
    }
}
