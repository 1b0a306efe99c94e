package org.hmis.predictions.common.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hmis.predictions.common.features.FeatureSpec.Encoding;
import org.hmis.predictions.common.features.FeatureSpec.Feature;
import org.junit.jupiter.api.Test;

class FeatureSpecTest {

    /** docs/guests-data.md, "Feature specification, version 1", in its order. */
    static final List<String> README_NUMERIC = List.of(
            "case_members",
            "age_at_enrollment",
            "current_age",
            "client_record_restricted",
            "inforeleaseno",
            "non-cash_benefit_count",
            "barrier_count_at_entry",
            "chronic_homeless_status",
            "under_25",
            "case_children",
            "case_adults",
            "earned_income",
            "supplemental_security_income",
            "social_security_disability_income",
            "va_disability_compensation",
            "private_disability_income",
            "tanf",
            "general_assistance",
            "child_support",
            "other_income",
            "chronic_homeless_status_evaluation");

    /** docs/guests-data.md's one-hot table: feature -> "column = value(s)", in its order. */
    static final Map<String, String> README_ONE_HOT = new LinkedHashMap<>();

    static {
        README_ONE_HOT.put("is_hoh", "relationship_to_hoh = [Self]");
        README_ONE_HOT.put("is_son", "relationship_to_hoh = [Son]");
        README_ONE_HOT.put("is_daughter", "relationship_to_hoh = [Daughter]");
        README_ONE_HOT.put("is_significant_other", "relationship_to_hoh = [Significant Other (Non-Married)]");
        README_ONE_HOT.put("is_spouse", "relationship_to_hoh = [Spouse]");
        README_ONE_HOT.put("is_grandchild", "relationship_to_hoh = [Grandchild]");
        README_ONE_HOT.put("is_other_family", "relationship_to_hoh = [Other Family Member]");
        README_ONE_HOT.put(
                "is_other_non_family", "relationship_to_hoh = [Dependent Child, Step Child, Other Non-Family]");
        README_ONE_HOT.put("ssn_available", "ssn_quality = [Full SSN]");
        README_ONE_HOT.put("dob_available", "dob_quality = [Full DOB Reported]");
        README_ONE_HOT.put("race_refused", "race = [Client refused]");
        README_ONE_HOT.put("is_white", "race = [White]");
        README_ONE_HOT.put("is_am_or_ak_native", "race = [American Indian or Alaska Native]");
        README_ONE_HOT.put("is_black", "race = [Black or African American]");
        README_ONE_HOT.put("is_multi_racial", "race = [Multi-Racial]");
        README_ONE_HOT.put("is_pacific_islander", "race = [Native Hawaiian or Other Pacific Islander]");
        README_ONE_HOT.put("is_asian", "race = [Asian]");
        README_ONE_HOT.put("ethnicity_refused", "ethnicity = [Client refused]");
        README_ONE_HOT.put("is_latino", "ethnicity = [Hispanic/Latino]");
        README_ONE_HOT.put("is_female", "gender = [Female]");
        README_ONE_HOT.put("is_male", "gender = [Male]");
        README_ONE_HOT.put("is_trans", "gender = [Trans Male (FTM or Female to Male)]");
        README_ONE_HOT.put("disabling_cond_at_entry_refused", "disabling_cond_at_entry = [Client refused]");
        README_ONE_HOT.put("is_disabled_at_entry", "disabling_cond_at_entry = [Yes]");
        README_ONE_HOT.put("covered_by_health_insurance_refused", "covered_by_health_insurance = [Client refused]");
        README_ONE_HOT.put("is_covered_by_health_insurance", "covered_by_health_insurance = [Yes]");
        README_ONE_HOT.put("household_has_adults_children", "household_type = [Household with Adults and Children]");
        README_ONE_HOT.put("household_has_adults_only", "household_type = [Household without Children]");
    }

    private final FeatureSpec spec = FeatureSpec.V1;

    @Test
    void v1HasTheReadmesFortyNineFeaturesInItsOrder() {
        assertEquals("v1", spec.version());
        assertEquals(49, spec.size());
        assertEquals(49, spec.featureNames().size());
        assertEquals(README_NUMERIC, spec.featureNames().subList(0, 21));
        assertEquals(List.copyOf(README_ONE_HOT.keySet()), spec.featureNames().subList(21, 49));
    }

    @Test
    void numericFeaturesPassTheirOwnColumnThrough() {
        for (Feature feature : spec.features().subList(0, 21)) {
            assertEquals(feature.name(), feature.sourceColumn());
            assertTrue(feature.values().isEmpty(), feature.name());
            Encoding expected = switch (feature.name()) {
                case "client_record_restricted" -> Encoding.TRUE_FALSE;
                case "under_25" -> Encoding.YES_NO;
                default -> Encoding.NUMBER;
            };
            assertEquals(expected, feature.encoding(), feature.name());
        }
    }

    @Test
    void oneHotFeaturesFlagTheReadmesValues() {
        for (Feature feature : spec.features().subList(21, 49)) {
            assertEquals(Encoding.ONE_HOT, feature.encoding(), feature.name());
            assertEquals(
                    README_ONE_HOT.get(feature.name()),
                    feature.sourceColumn() + " = " + feature.values(),
                    feature.name());
        }
    }

    @Test
    void sourceColumnsAreTheDistinctColumnsInFeatureOrder() {
        List<String> expected = new ArrayList<>(README_NUMERIC);
        expected.addAll(List.of(
                "relationship_to_hoh",
                "ssn_quality",
                "dob_quality",
                "race",
                "ethnicity",
                "gender",
                "disabling_cond_at_entry",
                "covered_by_health_insurance",
                "household_type"));
        assertEquals(expected, spec.sourceColumns());
    }

    @Test
    void knownValuesWithoutFlagComeFromTheColumnReference() {
        assertEquals(List.of("Client doesn't know", "Data not collected"), spec.valuesWithoutFlag("race"));
        assertEquals(
                List.of("Non-Hispanic/Latino", "Client doesn't know", "Data not collected"),
                spec.valuesWithoutFlag("ethnicity"));
        assertEquals(List.of(), spec.valuesWithoutFlag("relationship_to_hoh"));
        assertEquals(List.of(), spec.valuesWithoutFlag("case_members"));
    }

    @Test
    void versionsAreLookedUpByName() {
        assertSame(FeatureSpec.V1, FeatureSpec.forVersion("v1"));
        assertSame(FeatureSpec.V2, FeatureSpec.forVersion("v2"));
        assertSame(FeatureSpec.V3, FeatureSpec.forVersion("v3"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeatureSpec.forVersion("v4"));
        assertEquals("unknown feature specification version 'v4'; known versions: v1, v2, v3", e.getMessage());
    }

    @Test
    void v2IsV1WithoutAnyFeatureOfAProtectedAttribute() {
        FeatureSpec v2 = FeatureSpec.V2;
        assertEquals("v2", v2.version());
        assertEquals(List.of("race", "ethnicity", "gender"), FeatureSpec.PROTECTED_ATTRIBUTES);
        for (Feature feature : v2.features()) {
            assertFalse(
                    FeatureSpec.PROTECTED_ATTRIBUTES.contains(feature.sourceColumn()),
                    feature.name() + " comes from " + feature.sourceColumn());
        }
        for (String column : FeatureSpec.PROTECTED_ATTRIBUTES) {
            assertFalse(v2.sourceColumns().contains(column), column);
            assertEquals(List.of(), v2.valuesWithoutFlag(column), column);
        }
        List<String> removed = List.of(
                "race_refused",
                "is_white",
                "is_am_or_ak_native",
                "is_black",
                "is_multi_racial",
                "is_pacific_islander",
                "is_asian",
                "ethnicity_refused",
                "is_latino",
                "is_female",
                "is_male",
                "is_trans");
        List<String> expected = new ArrayList<>(FeatureSpec.V1.featureNames());
        expected.removeAll(removed);
        expected.set(expected.indexOf("is_son"), "is_child_of_hoh");
        expected.remove("is_daughter");
        assertEquals(expected, v2.featureNames(), "every other feature of v1, in v1's order, son and daughter one");
        assertEquals(
                List.of("Son", "Daughter"),
                v2.features().get(v2.featureNames().indexOf("is_child_of_hoh")).values());
        assertEquals(36, v2.size());
        assertEquals(27, v2.sourceColumns().size());
        assertEquals(spec.valuesWithoutFlag("household_type"), v2.valuesWithoutFlag("household_type"));
    }

    @Test
    void encodingOfAnotherColumnIsRefused() {
        assertEquals(Encoding.ONE_HOT, spec.encodingOf("race"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spec.encodingOf("ssn"));
        assertTrue(e.getMessage().contains("'ssn' is not a source column"), e.getMessage());
    }
}
