package org.hmis.predictions.hmis;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * One file of the export that the importer loads: its name, the table it goes to, its primary key and the columns
 * read, each with its type and, for a coded column, the codes of its HUD list (docs/hmis-import.md lists them).
 *
 * @param name          the file's name in the zip, e.g. {@code Client.csv}
 * @param table         the import table (migration V9)
 * @param columns       the columns read, the primary key first
 * @param oneRowPerColumn a column a live row's value may appear in only once (Exit's EnrollmentID), or null
 */
record ExportFile(String name, String table, List<Column> columns, String oneRowPerColumn) {

    /** How a column's text is read. */
    enum Type {
        /** An HMIS identifier: opaque text, never a number. */
        ID,
        /** {@code yyyy-mm-dd}. */
        DATE,
        /** {@code yyyy-mm-dd hh:mm:ss}. */
        TIMESTAMP,
        /** A decimal amount, at most 2 places. */
        MONEY,
        /** An integer code of a HUD list. */
        CODE
    }

    /**
     * A column of the file.
     *
     * @param name     the column's name as the specification spells it (matched case-insensitively, trimmed)
     * @param dbColumn the import table's column
     * @param type     how it is read
     * @param codes    for {@link Type#CODE}, the codes allowed; otherwise empty
     * @param required whether an empty value refuses the export
     */
    record Column(String name, String dbColumn, Type type, Set<Integer> codes, boolean required) {
        Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(dbColumn, "dbColumn");
            codes = Set.copyOf(codes);
            if ((type == Type.CODE) == codes.isEmpty()) {
                throw new IllegalArgumentException(name + ": a coded column needs codes, any other none");
            }
        }
    }

    ExportFile {
        columns = List.copyOf(columns);
    }

    /** The primary key column: the first. */
    Column key() {
        return columns.get(0);
    }

    static final Set<Integer> NO_YES = Set.of(0, 1);
    static final Set<Integer> NO_YES_REASONS = Set.of(0, 1, 8, 9, 99);
    static final Set<Integer> REASONS_MISSING = Set.of(8, 9, 99);
    static final Set<Integer> DATA_QUALITY = Set.of(1, 2, 8, 9, 99);
    static final Set<Integer> STAGE = Set.of(1, 2, 3, 5, 6, 99);
    static final Set<Integer> RELATIONSHIP_TO_HOH = Set.of(1, 2, 3, 4, 5, 8, 9, 99);
    static final Set<Integer> TIMES_HOMELESS = Set.of(1, 2, 3, 4, 8, 9, 99);
    static final Set<Integer> MONTHS_HOMELESS = monthsHomeless();
    static final Set<Integer> PROJECT_TYPE = Set.of(0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14);
    static final Set<Integer> DESTINATION = Set.of(
            101, 116, 118, 204, 205, 206, 207, 215, 225, 302, 312, 313, 314, 327, 329, 332, 410, 411, 421, 422, 423,
            426, 435, 8, 9, 17, 24, 30, 37, 99);
    static final Set<Integer> SUBSIDY_TYPE = Set.of(419, 420, 428, 431, 433, 434, 436, 437, 438, 439, 440);
    static final Set<Integer> DISABILITY_TYPE = Set.of(5, 6, 7, 8, 9, 10);
    static final Set<Integer> DISABILITY_RESPONSE = Set.of(0, 1, 2, 3, 8, 9, 99);
    static final Set<Integer> SEX = Set.of(0, 1, 8, 9, 99);

    static final ExportFile PROJECT = new Builder("Project.csv", "hmis_projects")
            .id("ProjectID", "project_id")
            .code("ProjectType", "project_type", PROJECT_TYPE)
            .build();

    static final ExportFile ENROLLMENT = new Builder("Enrollment.csv", "hmis_enrollments")
            .id("EnrollmentID", "enrollment_id")
            .id("PersonalID", "personal_id")
            .id("ProjectID", "project_id")
            .required("EntryDate", "entry_date", Type.DATE)
            .id("HouseholdID", "household_id")
            .code("RelationshipToHoH", "relationship_to_hoh", RELATIONSHIP_TO_HOH)
            .optional("DateToStreetESSH", "date_to_street_essh", Type.DATE)
            .code("TimesHomelessPastThreeYears", "times_homeless_past_three_years", TIMES_HOMELESS)
            .code("MonthsHomelessPastThreeYears", "months_homeless_past_three_years", MONTHS_HOMELESS)
            .code("DisablingCondition", "disabling_condition", NO_YES_REASONS)
            .build();

    static final ExportFile EXIT = new Builder("Exit.csv", "hmis_exits")
            .id("ExitID", "exit_id")
            .id("EnrollmentID", "enrollment_id")
            .required("ExitDate", "exit_date", Type.DATE)
            .requiredCode("Destination", "destination", DESTINATION)
            .code("DestinationSubsidyType", "destination_subsidy_type", SUBSIDY_TYPE)
            .oneRowPer("EnrollmentID");

    static final ExportFile INCOME_BENEFITS = new Builder("IncomeBenefits.csv", "hmis_income_benefits")
            .id("IncomeBenefitsID", "income_benefits_id")
            .assessment()
            .income("Earned", "earned", "EarnedAmount", "earned_amount")
            .income("SSI", "ssi", "SSIAmount", "ssi_amount")
            .income("SSDI", "ssdi", "SSDIAmount", "ssdi_amount")
            .income(
                    "VADisabilityService",
                    "va_disability_service",
                    "VADisabilityServiceAmount",
                    "va_disability_service_amount")
            .income("PrivateDisability", "private_disability", "PrivateDisabilityAmount", "private_disability_amount")
            .income("TANF", "tanf", "TANFAmount", "tanf_amount")
            .income("GA", "ga", "GAAmount", "ga_amount")
            .income("ChildSupport", "child_support", "ChildSupportAmount", "child_support_amount")
            .income("OtherIncomeSource", "other_income_source", "OtherIncomeAmount", "other_income_amount")
            .code("SNAP", "snap", NO_YES)
            .code("WIC", "wic", NO_YES)
            .code("TANFChildCare", "tanf_child_care", NO_YES)
            .code("TANFTransportation", "tanf_transportation", NO_YES)
            .code("OtherTANF", "other_tanf", NO_YES)
            .code("OtherBenefitsSource", "other_benefits_source", NO_YES)
            .code("InsuranceFromAnySource", "insurance_from_any_source", NO_YES_REASONS)
            .build();

    static final ExportFile DISABILITIES = new Builder("Disabilities.csv", "hmis_disabilities")
            .id("DisabilitiesID", "disabilities_id")
            .assessment()
            .requiredCode("DisabilityType", "disability_type", DISABILITY_TYPE)
            .requiredCode("DisabilityResponse", "disability_response", DISABILITY_RESPONSE)
            .build();

    /** Client.csv of the given version: FY2026 renamed the Hispanic column, dropped the gender ones, added Sex. */
    static ExportFile client(HmisVersion version) {
        Builder client = new Builder("Client.csv", "hmis_clients")
                .id("PersonalID", "personal_id")
                .requiredCode("SSNDataQuality", "ssn_data_quality", DATA_QUALITY)
                .optional("DOB", "dob", Type.DATE)
                .requiredCode("DOBDataQuality", "dob_data_quality", DATA_QUALITY)
                .requiredCode("AmIndAKNative", "am_ind_ak_native", NO_YES)
                .requiredCode("Asian", "asian", NO_YES)
                .requiredCode("BlackAfAmerican", "black_af_american", NO_YES)
                .requiredCode(
                        version == HmisVersion.FY2024 ? "HispanicLatinaeo" : "HispanicLatinao",
                        "hispanic_latinaeo",
                        NO_YES)
                .requiredCode("MidEastNAfrican", "mid_east_n_african", NO_YES)
                .requiredCode("NativeHIPacific", "native_hi_pacific", NO_YES)
                .requiredCode("White", "white", NO_YES)
                .code("RaceNone", "race_none", REASONS_MISSING);
        if (version == HmisVersion.FY2024) {
            client.requiredCode("Woman", "woman", NO_YES)
                    .requiredCode("Man", "man", NO_YES)
                    .requiredCode("NonBinary", "non_binary", NO_YES)
                    .requiredCode("Transgender", "transgender", NO_YES)
                    .code("GenderNone", "gender_none", REASONS_MISSING);
        } else {
            client.code("Sex", "sex", SEX);
        }
        return client.build();
    }

    /** The files loaded, in the order they are loaded. */
    static List<ExportFile> all(HmisVersion version) {
        return List.of(PROJECT, client(version), ENROLLMENT, EXIT, INCOME_BENEFITS, DISABILITIES);
    }

    private static Set<Integer> monthsHomeless() {
        List<Integer> codes =
                new ArrayList<>(IntStream.rangeClosed(101, 113).boxed().toList());
        codes.addAll(REASONS_MISSING);
        return Set.copyOf(codes);
    }

    private static final class Builder {
        private final String name;
        private final String table;
        private final List<Column> columns = new ArrayList<>();

        Builder(String name, String table) {
            this.name = name;
            this.table = table;
        }

        Builder id(String column, String dbColumn) {
            return required(column, dbColumn, Type.ID);
        }

        Builder required(String column, String dbColumn, Type type) {
            columns.add(new Column(column, dbColumn, type, Set.of(), true));
            return this;
        }

        Builder optional(String column, String dbColumn, Type type) {
            columns.add(new Column(column, dbColumn, type, Set.of(), false));
            return this;
        }

        Builder code(String column, String dbColumn, Set<Integer> codes) {
            columns.add(new Column(column, dbColumn, Type.CODE, codes, false));
            return this;
        }

        Builder requiredCode(String column, String dbColumn, Set<Integer> codes) {
            columns.add(new Column(column, dbColumn, Type.CODE, codes, true));
            return this;
        }

        /** The columns every assessment-type file starts and ends with that the entry record is picked by. */
        Builder assessment() {
            return id("EnrollmentID", "enrollment_id")
                    .required("InformationDate", "information_date", Type.DATE)
                    .requiredCode("DataCollectionStage", "data_collection_stage", STAGE)
                    .optional("DateUpdated", "date_updated", Type.TIMESTAMP);
        }

        /** An income source: its 0/1 flag and its amount. */
        Builder income(String flag, String dbFlag, String amount, String dbAmount) {
            return code(flag, dbFlag, NO_YES).optional(amount, dbAmount, Type.MONEY);
        }

        ExportFile build() {
            return new ExportFile(name, table, columns, null);
        }

        ExportFile oneRowPer(String column) {
            return new ExportFile(name, table, columns, column);
        }
    }
}
