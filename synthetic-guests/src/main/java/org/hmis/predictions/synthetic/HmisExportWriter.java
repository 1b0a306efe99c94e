package org.hmis.predictions.synthetic;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a generator's population as a HUD HMIS CSV export (FY2024 or FY2026): the very rows {@link GuestLoader} would
 * load into a guests table, each turned into the export's records with integer codes in place of the guests' text
 * labels (docs/hmis-import.md, "Mapping", read the other way). One guests row is one Enrollment; a household
 * ({@code case_id}) is one HouseholdID; a guest who re-enrols is one Client with several Enrollments; an exit is an
 * Exit row; the income, benefits and insurance at entry are an IncomeBenefits row of DataCollectionStage 1 on the
 * entry date (and an exited guest has a stage 3 record as well, with other amounts, which the importer must not
 * take); each barrier is a Disabilities row. What the HUD format has no element for (client_record_restricted,
 * inforeleaseno, more than six non-cash benefits, Clarity's relationship detail, FY2026's gender) is not written.
 *
 * <p>The same generator settings and count give the same bytes. It streams: memory grows only with the number of
 * distinct guests (to write each Client once).
 */
public final class HmisExportWriter {

    /** The specification written. */
    public enum Version {
        FY2024("2024 v1.3"),
        FY2026("2026 v1.0");

        private final String csvVersion;

        Version(String csvVersion) {
            this.csvVersion = csvVersion;
        }

        /** Export.csv's CSVVersion. */
        public String csvVersion() {
            return csvVersion;
        }
    }

    static final String AUDIT = "DateCreated,DateUpdated,UserID,DateDeleted,ExportID";

    private static final List<String> FILES = List.of(
            "Export.csv",
            "Organization.csv",
            "Project.csv",
            "Client.csv",
            "Enrollment.csv",
            "Exit.csv",
            "IncomeBenefits.csv",
            "Disabilities.csv");

    private static final Map<String, String> RELATIONSHIP = Map.of(
            "Self", "1",
            "Son", "2",
            "Daughter", "2",
            "Dependent Child", "2",
            "Step Child", "2",
            "Spouse", "3",
            "Significant Other (Non-Married)", "3",
            "Grandchild", "4",
            "Other Family Member", "4",
            "Other Non-Family", "5");
    private static final Map<String, String> SSN_QUALITY = Map.of(
            "Full SSN", "1",
            "Approximate or partial SSN reported", "2",
            "Client doesn't know", "8",
            "Client Refused", "9",
            "Data not collected", "99");
    private static final Map<String, String> DOB_QUALITY =
            Map.of("Full DOB Reported", "1", "Approximate or Partial DOB Reported", "2");
    private static final Map<String, String> YES_NO_REASONS = Map.of(
            "No", "0",
            "Yes", "1",
            "Client doesnt know", "8",
            "Client doesn't know", "8",
            "Client refused", "9",
            "Data not collected", "99",
            "Data Not Collected", "99",
            // The guests' "Missing" disabling condition is a blank.
            "Missing", "");
    private static final Map<String, String> RACE_NONE =
            Map.of("Client doesn't know", "8", "Client refused", "9", "Data not collected", "99");
    private static final Map<String, String> TIMES_HOMELESS = Map.of(
            "One time", "1",
            "Two times", "2",
            "Three times", "3",
            "Four or more times", "4",
            "Client refused", "9",
            "Data not collected", "99");
    /** Barrier labels: Disabilities' DisabilityType 5 to 9 (response 1); alcohol and drugs are type 10. */
    private static final Map<String, String> BARRIER_TYPE = Map.of(
            "Physical Disability", "5",
            "Developmental Disability", "6",
            "Chronic Health", "7",
            "HIV/AIDS", "8",
            "Mental Illness", "9");

    private static final List<String> BARRIER_COLUMNS = List.of(
            "alcohol_abuse",
            "chronic_health_condition",
            "developmental_disability",
            "substance_abuse",
            "hiv_aids",
            "mental_health_problem",
            "physical_disability");
    /** IncomeBenefits' sources in file order, each with the guests column of its amount. */
    private static final Map<String, String> INCOME_SOURCES = incomeSources();

    private static final List<String> NON_CASH =
            List.of("SNAP", "WIC", "TANFChildCare", "TANFTransportation", "OtherTANF", "OtherBenefitsSource");

    private final GuestGenerator generator;
    private final Version version;

    public HmisExportWriter(GuestGenerator generator, Version version) {
        this.generator = Objects.requireNonNull(generator, "generator");
        this.version = Objects.requireNonNull(version, "version");
    }

    /**
     * Writes the export of the generator's first {@code count} guests (enrollments) to the zip {@code zip}; returns
     * the enrollments written.
     */
    public long write(Path zip, long count) throws IOException {
        Path folder = Files.createTempDirectory("hmis-export-");
        try {
            Map<String, Path> paths = new LinkedHashMap<>();
            for (String file : FILES) {
                paths.put(file, folder.resolve(file));
            }
            long enrollments;
            try (OpenFiles files = new OpenFiles(paths)) {
                writeHeaders(files);
                Rows rows = new Rows(files);
                generator.write(rows, count, GuestGenerator.Format.COPY_TEXT);
                rows.close();
                enrollments = rows.enrollments;
                files.projects(rows.projects);
            }
            try (OutputStream out = Files.newOutputStream(zip);
                    ZipOutputStream zipped = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
                for (Map.Entry<String, Path> file : paths.entrySet()) {
                    ZipEntry entry = new ZipEntry(file.getKey());
                    // A fixed time, so the same population gives the same zip.
                    entry.setTime(0);
                    zipped.putNextEntry(entry);
                    Files.copy(file.getValue(), zipped);
                    zipped.closeEntry();
                }
            }
            return enrollments;
        } finally {
            for (String file : FILES) {
                Files.deleteIfExists(folder.resolve(file));
            }
            Files.deleteIfExists(folder);
        }
    }

    private void writeHeaders(OpenFiles files) throws IOException {
        LocalDate asOf = generator.asOf();
        String exportId = "SYNTHETIC-" + generator.seed();
        files.line(
                "Export.csv",
                "ExportID,SourceType,SourceID,SourceName,SourceContactFirst,SourceContactLast,SourceContactPhone,"
                        + "SourceContactExtension,SourceContactEmail,ExportDate,ExportStartDate,ExportEndDate,"
                        + "SoftwareName,SoftwareVersion,CSVVersion,ExportPeriodType,ExportDirective,HashStatus,"
                        + "ImplementationID");
        files.line(
                "Export.csv",
                exportId + ",3,SYN,Synthetic guests,,,,,," + asOf + " 00:00:00," + asOf.minusYears(6) + "," + asOf
                        + ",synthetic-guests,1.0," + version.csvVersion() + ",3,2,1,synthetic");
        files.line(
                "Organization.csv",
                "OrganizationID,OrganizationName,VictimServiceProvider,OrganizationCommonName," + AUDIT);
        files.line("Organization.csv", "1,Synthetic Shelter,0,," + audit(asOf));
        files.line(
                "Project.csv",
                "ProjectID,OrganizationID,ProjectName,ProjectCommonName,OperatingStartDate,OperatingEndDate,"
                        + "ContinuumProject,ProjectType,HousingType,RRHSubType,ResidentialAffiliation,"
                        + "TargetPopulation,HOPWAMedAssistedLivingFac,PITCount," + AUDIT);
        files.line(
                "Client.csv",
                version == Version.FY2024
                        ? "PersonalID,FirstName,MiddleName,LastName,NameSuffix,NameDataQuality,SSN,SSNDataQuality,DOB,"
                                + "DOBDataQuality,AmIndAKNative,Asian,BlackAfAmerican,HispanicLatinaeo,MidEastNAfrican,"
                                + "NativeHIPacific,White,RaceNone,AdditionalRaceEthnicity,Woman,Man,NonBinary,"
                                + "CulturallySpecific,Transgender,Questioning,DifferentIdentity,GenderNone,"
                                + "DifferentIdentityText,VeteranStatus," + AUDIT
                        : "PersonalID,FirstName,MiddleName,LastName,NameSuffix,NameDataQuality,SSN,SSNDataQuality,DOB,"
                                + "DOBDataQuality,Sex,AmIndAKNative,Asian,BlackAfAmerican,HispanicLatinao,"
                                + "MidEastNAfrican,NativeHIPacific,White,RaceNone,AdditionalRaceEthnicity,VeteranStatus,"
                                + AUDIT);
        files.line(
                "Enrollment.csv",
                "EnrollmentID,PersonalID,ProjectID,EntryDate,HouseholdID,RelationshipToHoH,EnrollmentCoC,"
                        + "LivingSituation,LengthOfStay,LOSUnderThreshold,PreviousStreetESSH,DateToStreetESSH,"
                        + "TimesHomelessPastThreeYears,MonthsHomelessPastThreeYears,DisablingCondition,"
                        + "DateOfEngagement,MoveInDate," + AUDIT);
        files.line(
                "Exit.csv",
                "ExitID,EnrollmentID,PersonalID,ExitDate,Destination,DestinationSubsidyType,OtherDestination," + AUDIT);
        StringBuilder income = new StringBuilder(
                "IncomeBenefitsID,EnrollmentID,PersonalID,InformationDate,IncomeFromAnySource,TotalMonthlyIncome");
        for (String source : INCOME_SOURCES.keySet()) {
            income.append(',').append(source).append(',').append(amountColumn(source));
        }
        income.append(",BenefitsFromAnySource");
        NON_CASH.forEach(flag -> income.append(',').append(flag));
        income.append(",InsuranceFromAnySource,DataCollectionStage,").append(AUDIT);
        files.line("IncomeBenefits.csv", income.toString());
        files.line(
                "Disabilities.csv",
                "DisabilitiesID,EnrollmentID,PersonalID,InformationDate,DisabilityType,DisabilityResponse,"
                        + "IndefiniteAndImpairs,DataCollectionStage," + AUDIT);
    }

    private String audit(LocalDate day) {
        return day + " 00:00:00," + day + " 00:00:00,1,,SYNTHETIC-" + generator.seed();
    }

    private static String amountColumn(String source) {
        return switch (source) {
            case "OtherIncomeSource" -> "OtherIncomeAmount";
            default -> source + "Amount";
        };
    }

    private static Map<String, String> incomeSources() {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("Earned", "earned_income");
        sources.put("Unemployment", "unemployement_income");
        sources.put("SSI", "supplemental_security_income");
        sources.put("SSDI", "social_security_disability_income");
        sources.put("VADisabilityService", "va_disability_compensation");
        sources.put("VADisabilityNonService", "va_disability_pension");
        sources.put("PrivateDisability", "private_disability_income");
        sources.put("WorkersComp", "workers_compensation");
        sources.put("TANF", "tanf");
        sources.put("GA", "general_assistance");
        sources.put("SocSecRetirement", "retirement_social_security");
        sources.put("Pension", "pension_from_former_job");
        sources.put("ChildSupport", "child_support");
        sources.put("Alimony", "alimony");
        sources.put("OtherIncomeSource", "other_income");
        return sources;
    }

    /** The export's files being written, one buffered writer each. */
    private final class OpenFiles implements AutoCloseable {
        private final Map<String, BufferedWriter> writers = new HashMap<>();
        private final Map<String, Path> paths;

        OpenFiles(Map<String, Path> paths) throws IOException {
            this.paths = paths;
            for (Map.Entry<String, Path> file : paths.entrySet()) {
                writers.put(file.getKey(), Files.newBufferedWriter(file.getValue(), StandardCharsets.UTF_8));
            }
        }

        void line(String file, String line) throws IOException {
            BufferedWriter writer = writers.get(file);
            writer.write(line);
            writer.write("\r\n");
        }

        /** Project.csv: one project per project name and tracking method seen. */
        void projects(Map<String, String> projects) throws IOException {
            LocalDate start = generator.asOf().minusYears(10);
            for (Map.Entry<String, String> project : projects.entrySet()) {
                String[] nameAndType = project.getValue().split("\t", -1);
                line(
                        "Project.csv",
                        project.getKey() + ",1," + nameAndType[0] + ",," + start + ",,1," + nameAndType[1] + ",1,,0,,,,"
                                + audit(start));
            }
        }

        @Override
        public void close() throws IOException {
            IOException failure = null;
            for (String file : paths.keySet()) {
                try {
                    writers.get(file).close();
                } catch (IOException e) {
                    failure = failure == null ? e : failure;
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** Receives the generator's COPY text and writes each row as the export's records. */
    private final class Rows extends Writer {
        private final OpenFiles files;
        private final StringBuilder pending = new StringBuilder();
        private final Map<String, Integer> column = new HashMap<>();
        private final Set<String> clients = new HashSet<>();
        /** Project ID to its name and ProjectType. */
        final Map<String, String> projects = new LinkedHashMap<>();

        long enrollments;

        Rows(OpenFiles files) {
            this.files = files;
            List<String> columns = GuestGenerator.COLUMNS;
            for (int i = 0; i < columns.size(); i++) {
                column.put(columns.get(i), i);
            }
        }

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            pending.append(chars, offset, length);
            int start = 0;
            for (int newline = pending.indexOf("\n", start); newline >= 0; newline = pending.indexOf("\n", start)) {
                row(pending.substring(start, newline).split("\t", -1));
                start = newline + 1;
            }
            pending.delete(0, start);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {
            if (pending.length() > 0) {
                throw new IllegalStateException("the generator's output ended inside a row");
            }
        }

        private String get(String[] row, String name) {
            String value = row[column.get(name)];
            return value.equals("\\N") ? null : value;
        }

        private void row(String[] row) throws IOException {
            String enrollment = get(row, "index");
            String pid = get(row, "personal_id");
            String entry = get(row, "enroll_date");
            String exit = get(row, "exit_date");
            String audit = audit(LocalDate.parse(entry));
            boolean nightByNight = "Night-by-Night (nbn)".equals(get(row, "util_track_method"));
            String projectName = get(row, "project_name");
            String projectId = (projects.size() + 1) + "";
            String key = projectName + "\t" + (nightByNight ? "1" : "0");
            for (Map.Entry<String, String> project : projects.entrySet()) {
                if (project.getValue().equals(key)) {
                    projectId = project.getKey();
                }
            }
            projects.putIfAbsent(projectId, key);
            if (clients.add(pid)) {
                client(row, pid, audit);
            }
            files.line(
                    "Enrollment.csv",
                    String.join(
                            ",",
                            enrollment,
                            pid,
                            projectId,
                            entry,
                            get(row, "case_id"),
                            code(RELATIONSHIP, get(row, "relationship_to_hoh")),
                            "WA-501",
                            "116",
                            "",
                            "",
                            "",
                            value(get(row, "homeless_start_date")),
                            code(TIMES_HOMELESS, get(row, "times_homeless_last_3years")),
                            monthsHomeless(get(row, "total_months_homeless")),
                            code(YES_NO_REASONS, get(row, "disabling_cond_at_entry")),
                            value(get(row, "engagement_date")),
                            "",
                            audit));
            if (exit != null) {
                String[] destination = destination(get(row, "exit_destination"));
                files.line(
                        "Exit.csv",
                        String.join(
                                ",",
                                "X" + enrollment,
                                enrollment,
                                pid,
                                exit,
                                destination[0],
                                destination[1],
                                "",
                                audit(LocalDate.parse(exit))));
            }
            income(row, enrollment, pid, entry, "1", 1, audit);
            if (exit != null) {
                income(row, enrollment, pid, exit, "3", 2, audit(LocalDate.parse(exit)));
            }
            disabilities(row, enrollment, pid, entry, audit);
            enrollments++;
        }

        private void client(String[] row, String pid, String audit) throws IOException {
            String race = get(row, "race");
            String[] flags = {"0", "0", "0", "0", "0", "0"}; // AmIndAKNative, Asian, Black, MidEast, NHPI, White
            String raceNone = "";
            if (race != null) {
                switch (race) {
                    case "American Indian or Alaska Native" -> flags[0] = "1";
                    case "Asian" -> flags[1] = "1";
                    case "Black or African American" -> flags[2] = "1";
                    case "Native Hawaiian or Other Pacific Islander" -> flags[4] = "1";
                    case "White" -> flags[5] = "1";
                    case "Multi-Racial" -> {
                        flags[0] = "1";
                        flags[5] = "1";
                    }
                    default -> raceNone = code(RACE_NONE, race);
                }
            }
            String hispanic = "Hispanic/Latino".equals(get(row, "ethnicity")) ? "1" : "0";
            String gender = get(row, "gender");
            List<String> fields = new ArrayList<>(List.of(
                    pid,
                    "Guest-" + pid,
                    "",
                    "Fakename-" + pid,
                    "",
                    "1",
                    "",
                    code(SSN_QUALITY, get(row, "ssn_quality")),
                    value(get(row, "dob")),
                    code(DOB_QUALITY, get(row, "dob_quality"))));
            if (version == Version.FY2026) {
                fields.add("Female".equals(gender) ? "0" : "Male".equals(gender) ? "1" : gender == null ? "" : "99");
            }
            fields.addAll(List.of(flags[0], flags[1], flags[2], hispanic, flags[3], flags[4], flags[5], raceNone, ""));
            if (version == Version.FY2024) {
                boolean trans = "Trans Male (FTM or Female to Male)".equals(gender);
                fields.addAll(List.of(
                        "Female".equals(gender) ? "1" : "0",
                        "Male".equals(gender) || trans ? "1" : "0",
                        gender != null && gender.startsWith("Gender Non-Conforming") ? "1" : "0",
                        "0",
                        trans ? "1" : "0",
                        "0",
                        "0",
                        gender == null ? "99" : "",
                        ""));
            }
            fields.add(code(YES_NO_REASONS, get(row, "vet_status")));
            fields.add(audit);
            files.line("Client.csv", String.join(",", fields));
        }

        /** An IncomeBenefits record; the exit's ({@code scale} 2) has other amounts, to be told from the entry's. */
        private void income(
                String[] row, String enrollment, String pid, String day, String stage, int scale, String audit)
                throws IOException {
            StringBuilder line = new StringBuilder();
            StringBuilder sources = new StringBuilder();
            long totalCents = 0;
            for (Map.Entry<String, String> source : INCOME_SOURCES.entrySet()) {
                long cents = cents(get(row, source.getValue())) * scale;
                totalCents += cents;
                sources.append(',').append(cents > 0 ? "1" : "0").append(',');
                if (cents > 0) {
                    sources.append(money(cents));
                }
            }
            String benefitCount = get(row, "non-cash_benefit_count");
            int benefits = benefitCount == null ? 0 : Math.min(NON_CASH.size(), Integer.parseInt(benefitCount));
            line.append(stage.equals("1") ? "I" : "J")
                    .append(enrollment)
                    .append(',')
                    .append(enrollment)
                    .append(',')
                    .append(pid)
                    .append(',')
                    .append(day)
                    .append(',')
                    .append(totalCents > 0 ? "1" : "0")
                    .append(',')
                    .append(money(totalCents))
                    .append(sources)
                    .append(',')
                    .append(benefits > 0 ? "1" : "0");
            for (int i = 0; i < NON_CASH.size(); i++) {
                line.append(',').append(i < benefits ? "1" : "0");
            }
            line.append(',')
                    .append(code(YES_NO_REASONS, get(row, "covered_by_health_insurance")))
                    .append(',')
                    .append(stage)
                    .append(',')
                    .append(audit);
            files.line("IncomeBenefits.csv", line.toString());
        }

        private void disabilities(String[] row, String enrollment, String pid, String entry, String audit)
                throws IOException {
            boolean alcohol = false;
            boolean drugs = false;
            for (String barrierColumn : BARRIER_COLUMNS) {
                String barrier = get(row, barrierColumn);
                if (barrier == null) {
                    continue;
                }
                switch (barrier) {
                    case "Alcohol Abuse" -> alcohol = true;
                    case "Drug Abuse" -> drugs = true;
                    default -> disability(enrollment, pid, entry, BARRIER_TYPE.get(barrier), "1", audit);
                }
            }
            if (alcohol || drugs) {
                disability(enrollment, pid, entry, "10", alcohol && drugs ? "3" : alcohol ? "1" : "2", audit);
            }
        }

        private void disability(String enrollment, String pid, String entry, String type, String response, String audit)
                throws IOException {
            files.line(
                    "Disabilities.csv",
                    String.join(
                            ",",
                            "D" + enrollment + "-" + type,
                            enrollment,
                            pid,
                            entry,
                            type,
                            response,
                            "1",
                            "1",
                            audit));
        }
    }

    private static String value(String value) {
        return value == null ? "" : value;
    }

    private static String code(Map<String, String> codes, String label) {
        if (label == null) {
            return "";
        }
        String code = codes.get(label);
        if (code == null) {
            throw new IllegalStateException("no HMIS code for the generated value '" + label + "'");
        }
        return code;
    }

    /** 3.917.5: 101 is one month, ..., 112 twelve, 113 more than twelve. */
    private static String monthsHomeless(String label) {
        if (label == null) {
            return "";
        }
        return switch (label) {
            case "One month (this time is the first month)" -> "101";
            case "More than 12 months" -> "113";
            case "Client refused" -> "9";
            case "Data not collected" -> "99";
            default -> String.valueOf(100 + Integer.parseInt(label));
        };
    }

    /** 3.12 Destination and, for 435, its DestinationSubsidyType (3.12.A). */
    private static String[] destination(String label) {
        return switch (label) {
            case "Emergency shelter, including hotel or motel paid for with emergency shelter voucher, or RHY-funded Host Home shelter" ->
                new String[] {"101", ""};
            case "Rental by client with RRH or equivalent subsidy" -> new String[] {"435", "431"};
            case "Rental by client, no ongoing housing subsidy" -> new String[] {"410", ""};
            case "Rental by client, other ongoing housing subsidy" -> new String[] {"435", "420"};
            case "Permanent housing (other than RRH) for formerly homeless persons" -> new String[] {"435", "440"};
            case "Owned by client, no ongoing housing subsidy" -> new String[] {"411", ""};
            case "Staying or living with family, permanent tenure" -> new String[] {"422", ""};
            case "Staying or living with friends, permanent tenure" -> new String[] {"423", ""};
            case "Staying or living with family, temporary tenure (e.g., room, apartment or house)" ->
                new String[] {"312", ""};
            case "Staying or living with friends, temporary tenure (e.g., room, apartment or house)" ->
                new String[] {"313", ""};
            case "Hotel or Motel paid for without Emergency Shelter Voucher" -> new String[] {"314", ""};
            case "Transitional Housing for homeless persons (including homeless youth)" -> new String[] {"302", ""};
            case "Place not meant for habitation (e.g., a vehicle, an abandoned building, bus/train/subway station/airport or anywhere outside)" ->
                new String[] {"116", ""};
            case "Safe Haven" -> new String[] {"118", ""};
            case "Foster Care Home or Foster Care Group Home" -> new String[] {"215", ""};
            case "Substance Abuse Treatment or Detox Center" -> new String[] {"205", ""};
            case "Psychiatric Hospital or Other Psychiatric Facility" -> new String[] {"204", ""};
            case "Other" -> new String[] {"17", ""};
            case "No exit interview completed" -> new String[] {"30", ""};
            case "Client refused" -> new String[] {"9", ""};
            case "Client doesn't know" -> new String[] {"8", ""};
            case "Data not collected" -> new String[] {"99", ""};
            default -> throw new IllegalStateException("no HMIS destination for the generated '" + label + "'");
        };
    }

    private static long cents(String amount) {
        if (amount == null) {
            return 0;
        }
        int dot = amount.indexOf('.');
        return dot < 0
                ? Long.parseLong(amount) * 100
                : Long.parseLong(amount.substring(0, dot)) * 100 + Long.parseLong(amount.substring(dot + 1));
    }

    private static String money(long cents) {
        return cents / 100 + "." + (cents % 100 < 10 ? "0" : "") + cents % 100;
    }
}
