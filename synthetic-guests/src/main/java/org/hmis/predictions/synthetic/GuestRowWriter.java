package org.hmis.predictions.synthetic;

import static org.hmis.predictions.synthetic.GuestValues.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes guests' rows, all columns of the guests table in table order, as UTF-8 into a reused byte buffer. The
 * attributes no other column depends on are drawn here, as they are written.
 *
 * <p>Text built here (names, phones, SSNs, dates inside text, ...) holds no tab, newline, backslash, comma or
 * double quote, so neither format needs to escape it; every other text value comes escaped from a
 * {@link Category}.
 */
final class GuestRowWriter {

    /** The guests table's columns in table order, as written: all but predicted_exit_destination. */
    static final List<String> COLUMNS = List.of(
            "index",
            "org_name",
            "project_name",
            "project_type",
            "util_track_method",
            "fed_grant_programs",
            "enrollment_created_by",
            "first_name",
            "last_name",
            "personal_id",
            "case_id",
            "relationship_to_hoh",
            "client_location",
            "case_members",
            "enroll_date",
            "exit_date",
            "exit_destination",
            "ssn",
            "ssn_quality",
            "dob",
            "dob_quality",
            "age_at_enrollment",
            "current_age",
            "race",
            "ethnicity",
            "gender",
            "vet_status",
            "disabling_cond_at_entry",
            "living_situation",
            "stayed_7_or_less",
            "stayed_90_or_less",
            "stayed_street_es_or_sh_night_before",
            "length_of_stay",
            "homeless_start_date",
            "length_of_time_homeless",
            "times_homeless_last_3years",
            "total_months_homeless",
            "last_perm_address",
            "prior_address",
            "state",
            "zip",
            "municipality",
            "days_enrolled_in_project",
            "rrh_in_perm_housing",
            "rrh_date_of_move-in",
            "days_enrolled_until_rrh_movein",
            "housing_status",
            "covered_by_health_insurance",
            "domestic_violence",
            "currently_fleeing",
            "when_dv_occured",
            "engagement_date",
            "days_enrolled_until_engaged",
            "current_status",
            "in_school",
            "connected_to_mvento",
            "household_type",
            "latitude",
            "longitude",
            "referal_source",
            "date_status_determined",
            "enroll_status",
            "runaway_youth",
            "reason_why_no_services_funded",
            "sexual_orientation",
            "last_grade_completed",
            "school_status",
            "employed_status",
            "reason_not_employed",
            "type_of_employment",
            "looking_for_work",
            "general_health_status",
            "dental_health_status",
            "mental_health_status",
            "pregnancy_status",
            "pregnancy_due_date",
            "client_record_restricted",
            "inforeleaseno",
            "info_release_status",
            "contact_services",
            "date_of_last_contact",
            "date_of_first_contact",
            "housing_checkins",
            "date_of_last_stay",
            "date_of_first_stay",
            "income_at_entry",
            "income_at_update",
            "income_at_exit",
            "non-cash_benefit_count",
            "non-cash_count_at_exit",
            "current_date",
            "barrier_count_at_entry",
            "chronic_homeless_status",
            "program_type",
            "soar_eligibility",
            "soar_enrollment",
            "most_recent_rrh",
            "most_recent_street_outreach",
            "most_recent_ce",
            "most_recent_es",
            "most_recent_trans",
            "most_recent_psh",
            "most_recent_prevention",
            "under_25",
            "client_id",
            "alcohol_abuse",
            "chronic_health_condition",
            "developmental_disability",
            "substance_abuse",
            "hiv_aids",
            "mental_health_problem",
            "physical_disability",
            "case_children",
            "case_adults",
            "bednights_during_report_period",
            "entire_episode_bednights",
            "most_recent_hen-hp",
            "most_recent_hen-rrh",
            "most_recent_worksource",
            "most_recent_yahp",
            "other_public",
            "state_funded",
            "indian_health_services",
            "other",
            "combined_childrens_health_insurance",
            "medicaid",
            "medicare",
            "chip",
            "vams",
            "cobra",
            "private_employer",
            "private",
            "private_individual",
            "earned_income",
            "unemployement_income",
            "supplemental_security_income",
            "social_security_disability_income",
            "va_disability_compensation",
            "va_disability_pension",
            "private_disability_income",
            "workers_compensation",
            "tanf",
            "general_assistance",
            "retirement_social_security",
            "pension_from_former_job",
            "child_support",
            "alimony",
            "other_income",
            "chronic_homeless_status_assessment",
            "chronic_homeless_status_evaluation",
            "email",
            "home_phone",
            "work_phone");

    private static final Category ORG_NAME = Category.uniform("Family Promise of Spokane");
    private static final Category PROJECT_TYPE = Category.uniform("Emergency shelter");
    private static final Category FED_GRANT_PROGRAMS = Category.uniform("NAA");
    private static final Category CLIENT_LOCATION = Category.uniform("Spokane City & County CoC");
    private static final Category NO_MOVE_IN = Category.uniform("No Move-In Date");
    private static final Category NO_ENGAGEMENT = Category.uniform("No Engagement Date");
    private static final int INSURANCE_SOURCES = 13;

    private static final byte[] CASEWORKER = ascii("Caseworker-");
    private static final byte[] FIRST_NAME = ascii("Guest-");
    private static final byte[] LAST_NAME = ascii("Fakename-");
    private static final byte[] ADDRESS = ascii(" Synthetic Lane");
    private static final byte[] ZIP = ascii("00");
    private static final byte[] EMAIL = ascii("guest-");
    private static final byte[] EMAIL_DOMAIN = ascii("@example.invalid");
    private static final byte[] PHONE = ascii("555-01");
    private static final byte[] HOME_EXTENSION = ascii(" x");
    private static final byte[] WORK_EXTENSION = ascii(" ext ");
    private static final byte[] SOAR = ascii("SOAR Eligibility Determination - Service Date: ");
    private static final byte[] RANGE = ascii(" - ");

    private final GuestGenerator.Format format;
    private final DayText days;
    private final Category destinations;
    private final int asOfDay;
    private final byte delimiter;
    private final byte[] nullText;
    private final byte[] exportTimestamp;
    private byte[] buf;
    private int pos;
    private int field;

    GuestRowWriter(GuestGenerator.Format format, int capacity, DayText days, Category destinations, int asOfDay) {
        this.format = format;
        this.buf = new byte[capacity];
        this.days = days;
        this.destinations = destinations;
        this.asOfDay = asOfDay;
        this.delimiter = (byte) format.delimiter();
        this.nullText = ascii(format.nullText());
        this.exportTimestamp = ascii(new String(days.iso(asOfDay), StandardCharsets.US_ASCII) + " 06:00:00");
    }

    /** Bytes written since the last {@link #drainTo}. */
    int size() {
        return pos;
    }

    /** Hands the rows written so far (whole rows, UTF-8) to {@code out} and empties the buffer. */
    void drainTo(GuestGenerator.ChunkSink out) throws IOException {
        out.accept(buf, pos);
        pos = 0;
    }

    /** The CSV header line. */
    void appendHeader() {
        field = 0;
        for (String column : COLUMNS) {
            sep();
            put(format.escape(column).getBytes(StandardCharsets.UTF_8));
        }
        put((byte) '\n');
    }

    /** Writes member {@code m} of {@code h} as row {@code index}, drawing what no other column depends on. */
    void appendRow(SplittableRandom rng, Household h, int m, long index) {
        Guest g = Guest.draw(rng, h, m, asOfDay);
        field = 0;
        enrollment(h, m, g, index);
        identity(h, m, g);
        homelessHistory(rng, h, g);
        stay(rng, h, g);
        schoolAndWork(rng, h, m, g);
        releaseAndContacts(rng, h, g);
        int bednights = bednights(rng, h, g);
        incomeAndBenefits(rng, h, m, g);
        assessment(rng, h, m, g);
        programmesAndBarriers(rng, h, m, g, bednights);
        insuranceSources(rng, h, m, g.insured());
        incomeSources(h, m);
        chronicEvaluation(rng, h);
        contact(h, m, g);
        put((byte) '\n');
        if (field != COLUMNS.size()) {
            throw new IllegalStateException("wrote " + field + " fields for " + COLUMNS.size() + " columns");
        }
    }

    /**
     * One guest's values that several columns share, and the attributes drawn before the row is written (in this
     * order: the stream of draws is what makes a seed's output).
     */
    private record Guest(
            int pid,
            long hash,
            long caseHash,
            int age,
            boolean adult,
            boolean exited,
            int endDay,
            int daysEnrolled,
            boolean disabled,
            int dv,
            int fleeing,
            int housingStatus,
            int insured,
            int reasonNotEmployed) {

        static Guest draw(SplittableRandom rng, Household h, int m, int asOfDay) {
            int age = h.age[m];
            boolean adult = age >= 18;
            boolean exited = !h.current();
            int endDay = exited ? h.exitDay : asOfDay;
            int dv = adult ? DOMESTIC_VIOLENCE.pick(rng) : -1;
            int fleeing = dv == DV_SURVIVOR ? CURRENTLY_FLEEING.pick(rng) : -1;
            int housingStatus = fleeing == FLEEING ? FLEEING_DV : HOUSING_STATUS.pick(rng);
            int insured = HEALTH_INSURANCE.pick(rng);
            int reasonNotEmployed = adult && !h.employed[m] ? REASON_NOT_EMPLOYED.pick(rng) : -1;
            return new Guest(
                    h.personalId[m],
                    mix(h.personalId[m]),
                    mix(~(long) h.caseId),
                    age,
                    adult,
                    exited,
                    endDay,
                    endDay - h.enrollDay,
                    h.disabling[m] == GuestValues.DISABLED,
                    dv,
                    fleeing,
                    housingStatus,
                    insured,
                    reasonNotEmployed);
        }
    }

    /** index .. exit_destination: the enrollment, its caseworker, the guest's names and household. */
    private void enrollment(Household h, int m, Guest g, long index) {
        integer(index);
        category(ORG_NAME, 0);
        category(PROJECT, h.project);
        category(PROJECT_TYPE, 0);
        category(UTIL_TRACK_METHOD, h.nightByNight ? NIGHT_BY_NIGHT : 1 - NIGHT_BY_NIGHT);
        if ((g.caseHash() & 1) == 0) {
            category(FED_GRANT_PROGRAMS, 0);
        } else {
            nul();
        }
        sep();
        put(CASEWORKER);
        putLong(10 + (g.caseHash() >>> 8) % 40);
        sep();
        put(FIRST_NAME);
        putLong(g.pid());
        sep();
        put(LAST_NAME);
        putLong(g.pid());
        integer(g.pid());
        integer(h.caseId);
        category(RELATIONSHIP, h.relationship[m]);
        if ((g.caseHash() >>> 16) % 10 != 0) {
            category(CLIENT_LOCATION, 0);
        } else {
            nul();
        }
        integer(h.size);
        day(h.enrollDay);
        day(h.exitDay);
        if (g.exited()) {
            category(destinations, h.destination);
        } else {
            nul();
        }
    }

    /** ssn .. disabling_cond_at_entry. */
    private void identity(Household h, int m, Guest g) {
        int ssnQuality = h.ssnQuality[m];
        if (ssnQuality == FULL_SSN || ssnQuality == PARTIAL_SSN) {
            ssn(g.pid());
        } else {
            nul();
        }
        category(SSN_QUALITY, ssnQuality);
        day(h.dobDay[m]);
        category(DOB_QUALITY, h.dobQuality[m]);
        integer(g.age());
        integer(days.age(h.dobDay[m], asOfDay));
        category(RACE, h.race[m]);
        category(ETHNICITY, h.ethnicity[m]);
        category(GENDER_OTHER, h.gender[m]);
        optionalCategory(VET_STATUS, h.vetStatus[m]);
        category(DISABLING_ADULT, h.disabling[m]);
    }

    /** living_situation .. municipality: where the guest came from, and for how long they have been homeless. */
    private void homelessHistory(SplittableRandom rng, Household h, Guest g) {
        category(LIVING_SITUATION, LIVING_SITUATION.pick(rng));
        nul();
        nul();
        nul();
        category(LENGTH_OF_STAY, LENGTH_OF_STAY.pick(rng));
        day(h.homelessStartDay);
        integer(h.enrollDay - h.homelessStartDay);
        category(TIMES_HOMELESS, TIMES_HOMELESS.pick(rng));
        category(TOTAL_MONTHS_HOMELESS, TOTAL_MONTHS_HOMELESS.pick(rng));
        category(LAST_PERM_ADDRESS, LAST_PERM_ADDRESS.pick(rng));
        sep();
        putLong(g.pid());
        put(ADDRESS);
        category(STATE, STATE.pick(rng));
        sep();
        put(ZIP);
        putLong(100 + (g.hash() >>> 1) % 400);
        category(MUNICIPALITY, MUNICIPALITY.pick(rng));
    }

    /** days_enrolled_in_project .. sexual_orientation: the stay, its engagement, and the household's place. */
    private void stay(SplittableRandom rng, Household h, Guest g) {
        integer(g.daysEnrolled());
        nul();
        nul();
        category(NO_MOVE_IN, 0);
        category(HOUSING_STATUS, g.housingStatus());
        category(HEALTH_INSURANCE, g.insured());
        optionalCategory(DOMESTIC_VIOLENCE, g.dv());
        optionalCategory(CURRENTLY_FLEEING, g.fleeing());
        optionalCategory(WHEN_DV_OCCURRED, g.dv() == DV_SURVIVOR ? WHEN_DV_OCCURRED.pick(rng) : -1);
        if (rng.nextInt(10) < 6) {
            int wait = rng.nextInt(Math.min(7, g.daysEnrolled()) + 1);
            day(h.enrollDay + wait);
            integer(wait);
        } else {
            nul();
            category(NO_ENGAGEMENT, 0);
        }
        category(CURRENT_STATUS, CURRENT_STATUS.pick(rng));
        nul();
        optionalCategory(CONNECTED_TO_MVENTO, g.age() >= 5 && !g.adult() ? CONNECTED_TO_MVENTO.pick(rng) : -1);
        category(HOUSEHOLD_TYPE, h.type);
        microDegrees((int) ((g.hash() >>> 20) % 1_000_001) - 500_000);
        microDegrees((int) ((g.hash() >>> 42) % 1_000_001) - 500_000);
        for (int i = 0; i < 6; i++) {
            nul();
        }
    }

    /** last_grade_completed .. pregnancy_due_date: an adult's school and work, a child's school. */
    private void schoolAndWork(SplittableRandom rng, Household h, int m, Guest g) {
        int age = g.age();
        if (g.adult()) {
            category(LAST_GRADE_ADULT, LAST_GRADE_ADULT.pick(rng));
            category(SCHOOL_STATUS_ADULT, SCHOOL_STATUS_ADULT.pick(rng));
            category(YES_NO, h.employed[m] ? YES : NO);
            optionalCategory(REASON_NOT_EMPLOYED, g.reasonNotEmployed());
            optionalCategory(TYPE_OF_EMPLOYMENT, h.employed[m] ? TYPE_OF_EMPLOYMENT.pick(rng) : -1);
            optionalCategory(YES_NO, g.reasonNotEmployed() == LOOKING_FOR_WORK ? YES : -1);
        } else {
            optionalCategory(LAST_GRADE_CHILD, age < 5 ? -1 : age < 10 ? 0 : age < 12 ? 1 : age < 14 ? 2 : 3);
            optionalCategory(SCHOOL_STATUS_CHILD, age < 5 ? -1 : SCHOOL_STATUS_CHILD.pick(rng));
            nul();
            nul();
            nul();
            nul();
        }
        for (int i = 0; i < 5; i++) {
            nul();
        }
    }

    /** client_record_restricted .. date_of_first_contact. */
    private void releaseAndContacts(SplittableRandom rng, Household h, Guest g) {
        sep();
        put((byte) (h.restricted ? 't' : 'f'));
        integer(h.infoReleaseNo);
        category(INFO_RELEASE_STATUS, h.restricted ? 1 : 0);
        int contacts = rng.nextInt(Math.min(g.daysEnrolled() + 1, 25));
        integer(contacts);
        if (contacts > 0) {
            int first = h.enrollDay + rng.nextInt(g.daysEnrolled() + 1);
            day(first + rng.nextInt(g.endDay() - first + 1));
            day(first);
        } else {
            nul();
            nul();
        }
    }

    /** housing_checkins .. date_of_first_stay; answers the bednights, which a later column repeats. */
    private int bednights(SplittableRandom rng, Household h, Guest g) {
        int bednights = h.nightByNight ? g.daysEnrolled() * (60 + rng.nextInt(41)) / 100 : g.daysEnrolled();
        integer(h.nightByNight ? bednights : 0);
        day(Math.max(h.enrollDay, g.endDay() - 1));
        day(h.enrollDay);
        return bednights;
    }

    /** income_at_entry .. non-cash_count_at_exit. */
    private void incomeAndBenefits(SplittableRandom rng, Household h, int m, Guest g) {
        int income = h.totalIncomeCents(m);
        optionalMoney(rng.nextInt(10) == 0 ? income : -1);
        optionalMoney(rng.nextInt(500) == 0 ? income : -1);
        optionalMoney(g.exited() && g.adult() && rng.nextInt(10) < 3 ? income : -1);
        integer(h.benefits[m]);
        if (g.exited()) {
            integer(Math.max(0, Math.min(10, h.benefits[m] + rng.nextInt(3) - 1)));
        } else {
            nul();
        }
    }

    /** current_date .. soar_enrollment. */
    private void assessment(SplittableRandom rng, Household h, int m, Guest g) {
        sep();
        put(exportTimestamp);
        integer(h.barriers[m]);
        integer(h.chronic ? 1 : 0);
        integer(1);
        if (g.adult() && g.disabled() && rng.nextInt(100) < 15) {
            sep();
            put(SOAR);
            put(days.us(h.enrollDay + rng.nextInt(g.daysEnrolled() + 1)));
        } else {
            nul();
        }
        nul();
    }

    /** most_recent_rrh .. most_recent_yahp: past programmes, the barriers, the household and its bednights. */
    private void programmesAndBarriers(SplittableRandom rng, Household h, int m, Guest g, int bednights) {
        for (int i = 0; i < MOST_RECENT_PERCENT.length; i++) {
            mostRecent(rng, i, h.enrollDay);
        }
        category(YES_NO, g.age() < 25 ? YES : NO);
        integer(1);
        barrierColumns(rng, h.barriers[m]);
        integer(h.children);
        integer(h.adults);
        integer(bednights);
        integer(bednights + (rng.nextInt(5) == 0 ? rng.nextInt(90) : 0));
        for (int i = 0; i < 4; i++) {
            nul();
        }
    }

    /** earned_income .. other_income: each income source's amount. */
    private void incomeSources(Household h, int m) {
        for (int cents : h.incomeCents[m]) {
            money(cents);
        }
    }

    /** chronic_homeless_status_assessment and _evaluation: the same answer, now and then wrong. */
    private void chronicEvaluation(SplittableRandom rng, Household h) {
        int evaluation = h.chronic == (rng.nextInt(25) != 0) ? 1 : 0;
        integer(evaluation);
        integer(evaluation);
    }

    /** email, home_phone, work_phone: most adults have the first two, most employed guests the third. */
    private void contact(Household h, int m, Guest g) {
        if (g.adult() && (g.hash() & 0xff) < 205) {
            sep();
            put(EMAIL);
            putLong(g.pid());
            put(EMAIL_DOMAIN);
        } else {
            nul();
        }
        if (g.adult() && ((g.hash() >>> 8) & 0xff) < 218) {
            phone(g.pid(), HOME_EXTENSION);
        } else {
            nul();
        }
        if (h.employed[m] && ((g.hash() >>> 16) & 0xff) < 154) {
            phone(g.pid() + 37, WORK_EXTENSION);
        } else {
            nul();
        }
    }

    /** Past programme stays as MM/DD/YYYY - MM/DD/YYYY, or the running programme's name. */
    private void mostRecent(SplittableRandom rng, int programme, int enrollDay) {
        if (rng.nextInt(100) >= MOST_RECENT_PERCENT[programme]) {
            nul();
        } else if (rng.nextInt(5) == 0) {
            category(MOST_RECENT_CURRENT, programme);
        } else {
            int start = enrollDay - 30 - rng.nextInt(700);
            sep();
            put(days.us(start));
            put(RANGE);
            put(days.us(start + 1 + rng.nextInt(29)));
        }
    }

    /** The seven barrier columns: {@code count} of them hold their label, the others are NULL. */
    private void barrierColumns(SplittableRandom rng, int count) {
        int chosen = 0;
        for (int i = 0; i < count; i++) {
            int b;
            do {
                b = BARRIERS.pick(rng);
            } while ((chosen & (1 << b)) != 0);
            chosen |= 1 << b;
        }
        for (int b = 0; b < BARRIERS.size(); b++) {
            optionalCategory(BARRIERS, (chosen & (1 << b)) != 0 ? b : -1);
        }
    }

    /**
     * other_public .. private_individual: Yes/No for the insured and the uninsured (who answer No throughout),
     * NULL when coverage is unknown, and for about one guest in twenty whose sources were not recorded.
     */
    private void insuranceSources(SplittableRandom rng, Household h, int m, int insured) {
        if ((insured != INSURED && insured != UNINSURED) || rng.nextInt(20) == 0) {
            for (int i = 0; i < INSURANCE_SOURCES; i++) {
                nul();
            }
            return;
        }
        boolean child = h.age[m] < 18;
        boolean yes = insured == INSURED;
        yesNo(yes && rng.nextInt(100) < 3);
        yesNo(yes && rng.nextInt(100) < 3);
        yesNo(yes && rng.nextInt(100) < (h.race[m] == AMERICAN_INDIAN ? 40 : 1));
        yesNo(yes && rng.nextInt(100) < 2);
        yesNo(yes && child && rng.nextInt(100) < 10);
        yesNo(yes && rng.nextInt(100) < 80);
        yesNo(yes && rng.nextInt(100) < (h.disabling[m] == DISABLED && !child ? 30 : 2));
        yesNo(yes && child && rng.nextInt(100) < 8);
        yesNo(yes && h.vetStatus[m] == VETERAN && rng.nextInt(2) == 0);
        yesNo(false);
        yesNo(yes && rng.nextInt(100) < (h.employed[m] ? 15 : 1));
        yesNo(yes && rng.nextInt(100) < 3);
        yesNo(false);
    }

    private void yesNo(boolean yes) {
        category(YES_NO, yes ? YES : NO);
    }

    /** 9DD-DD-DDDD from the personal id: area numbers starting with 9 are never issued as SSNs. */
    private void ssn(int pid) {
        sep();
        int digits = pid % 100_000_000;
        put((byte) '9');
        putPadded(digits / 1_000_000, 2);
        put((byte) '-');
        putPadded(digits / 10_000 % 100, 2);
        put((byte) '-');
        putPadded(digits % 10_000, 4);
    }

    /** 555-01XX is reserved for fiction; the extension makes each guest's number distinct. */
    private void phone(int pid, byte[] extension) {
        sep();
        put(PHONE);
        putPadded(pid % 100, 2);
        put(extension);
        putLong(pid);
    }

    private void sep() {
        if (field++ > 0) {
            put(delimiter);
        }
    }

    private void nul() {
        sep();
        put(nullText);
    }

    private void category(Category category, int index) {
        sep();
        byte[] text = category.encoded(format, index);
        put(text == null ? nullText : text);
    }

    /** {@code index} -1 writes NULL. */
    private void optionalCategory(Category category, int index) {
        if (index < 0) {
            nul();
        } else {
            category(category, index);
        }
    }

    private void integer(long value) {
        sep();
        if (value < 0) {
            put((byte) '-');
            value = -value;
        }
        putLong(value);
    }

    private void day(int day) {
        if (day == Household.NO_DAY) {
            nul();
        } else {
            sep();
            put(days.iso(day));
        }
    }

    private void money(int cents) {
        sep();
        putLong(cents / 100);
        put((byte) '.');
        putPadded(cents % 100, 2);
    }

    /** {@code cents} -1 writes NULL. */
    private void optionalMoney(int cents) {
        if (cents < 0) {
            nul();
        } else {
            money(cents);
        }
    }

    private void microDegrees(int micro) {
        sep();
        if (micro < 0) {
            put((byte) '-');
            micro = -micro;
        }
        putLong(micro / 1_000_000);
        put((byte) '.');
        putPadded(micro % 1_000_000, 6);
    }

    private void put(byte b) {
        ensure(1);
        buf[pos++] = b;
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    /** A non-negative number in decimal. */
    private void putLong(long value) {
        if (value > Integer.MAX_VALUE) {
            putLong(value / 1_000_000_000);
            putPadded((int) (value % 1_000_000_000), 9);
            return;
        }
        int v = (int) value;
        int digits = 1;
        for (int limit = 10; digits < 10 && v >= limit; limit *= 10) {
            digits++;
        }
        putPadded(v, digits);
    }

    /** A non-negative number of at most {@code width} digits, zero-padded to {@code width}. */
    private void putPadded(int value, int width) {
        ensure(width);
        for (int i = pos + width - 1; i >= pos; i--) {
            buf[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        pos += width;
    }

    private void ensure(int bytes) {
        if (pos + bytes > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(2 * buf.length, pos + bytes));
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** SplitMix64's finaliser: fake personal data derived from the id, the same whenever the guest re-enrols. */
    static long mix(long x) {
        long z = x * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
