package org.hmis.predictions.synthetic;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Synthetic guests for the guests table: every column of the intake app's table (not predicted_exit_destination),
 * with values and frequencies like those of the public export (see docs/guests-data.md).
 *
 * <p>What a consumer can rely on:
 * <ul>
 * <li>The output is a function of seed, count, current share, class mix and as-of date: the same settings give
 *     the same bytes.</li>
 * <li>Rows come in households ({@code case_id}) of 1 to 10 members, one of them {@code Self}; case_members,
 *     case_adults (aged 18 or more) and case_children agree with the rows, and household_type with both.</li>
 * <li>{@code (personal_id, enroll_date)} is unique. About one household in ten is a re-enrolment: the same
 *     people (same personal_id, date of birth, fake personal data) under a new case_id, enrolled after their
 *     previous exit.</li>
 * <li>A household is current (exit_date and exit_destination NULL) with probability {@code currentShare}, so
 *     about that share of rows are current guests; current guests enrolled within the last two years and
 *     everyone else exited after enrolling, within about five years before the as-of date.</li>
 * <li>A household exits together, to one destination whose class follows from its features (income, household
 *     type, size, head's disability, age, benefits, barriers, chronic homelessness, withheld SSN, restricted
 *     record) by a hidden rule plus noise, so a model can learn it; the class intercepts are calibrated so the
 *     mix of exited rows comes out near {@code classMix}.</li>
 * <li>Personal data is fake and distinct per guest: first_name {@code Guest-<personal_id>}, last_name
 *     {@code Fakename-<personal_id>}, ssn {@code 9XX-XX-XXXX} from the id (never issued), email
 *     {@code guest-<personal_id>@example.invalid}, phones {@code 555-01XX x<personal_id>} (home) and
 *     {@code 555-01XX ext <personal_id>} (work), prior_address {@code <personal_id> Synthetic Lane}, zip
 *     {@code 00100..00499} (not issued), latitude and longitude within half a degree of 0,0 (open sea). Dates of
 *     birth are real dates and may equal other dates in the data.</li>
 * </ul>
 * Generation streams: memory does not grow with the count.
 */
public final class GuestGenerator {

    /** How rows are written. */
    public enum Format {
        /** PostgreSQL COPY text format: tab-separated, {@code \N} for NULL, no header. */
        COPY_TEXT('\t', "\\N"),
        /** CSV (RFC 4180) with a header line; NULL is an empty unquoted field, as COPY ... CSV reads it. */
        CSV(',', "");

        private final char delimiter;
        private final String nullText;

        Format(char delimiter, String nullText) {
            this.delimiter = delimiter;
            this.nullText = nullText;
        }

        char delimiter() {
            return delimiter;
        }

        String nullText() {
            return nullText;
        }

        String escape(String value) {
            if (this == COPY_TEXT) {
                return value.replace("\\", "\\\\")
                        .replace("\t", "\\t")
                        .replace("\n", "\\n")
                        .replace("\r", "\\r");
            }
            boolean quote = value.isEmpty()
                    || value.indexOf(',') >= 0
                    || value.indexOf('"') >= 0
                    || value.indexOf('\n') >= 0
                    || value.indexOf('\r') >= 0;
            return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
        }
    }

    /** The columns written, in table order: the guests table's columns but predicted_exit_destination. */
    public static final List<String> COLUMNS = GuestRowWriter.COLUMNS;

    public static final double DEFAULT_CURRENT_SHARE = 0.10;

    private static final int ES = 0;
    private static final int OTHER = 1;
    private static final int PERM = 2;
    private static final int TEMP = 3;
    private static final int UNKNOWN = 4;
    private static final int CLASSES = 5;

    /**
     * The 21 exit destinations seen in the export, their class under the default mapping of docs/model.md
     * ("Model classes") and how many exited enrolments had each.
     */
    private static final String[] DESTINATION_VALUES = {
        "Emergency shelter, including hotel or motel paid for with emergency shelter voucher, or RHY-funded Host Home shelter",
        "No exit interview completed",
        "Client refused",
        "Rental by client with RRH or equivalent subsidy",
        "Rental by client, no ongoing housing subsidy",
        "Rental by client, other ongoing housing subsidy",
        "Transitional Housing for homeless persons (including homeless youth)",
        "Place not meant for habitation (e.g., a vehicle, an abandoned building, bus/train/subway station/airport or anywhere outside)",
        "Staying or living with family, permanent tenure",
        "Staying or living with family, temporary tenure (e.g., room, apartment or house)",
        "Staying or living with friends, temporary tenure (e.g., room, apartment or house)",
        "Staying or living with friends, permanent tenure",
        "Permanent housing (other than RRH) for formerly homeless persons",
        "Hotel or Motel paid for without Emergency Shelter Voucher",
        "Other",
        "Safe Haven",
        "Client doesn't know",
        "Foster Care Home or Foster Care Group Home",
        "Substance Abuse Treatment or Detox Center",
        "Psychiatric Hospital or Other Psychiatric Facility",
        "Owned by client, no ongoing housing subsidy",
    };

    private static final int[] DESTINATION_CLASS = {
        ES, UNKNOWN, UNKNOWN, PERM, PERM, PERM, TEMP, OTHER, PERM, TEMP, TEMP, PERM, PERM, TEMP, OTHER, OTHER, UNKNOWN,
        OTHER, OTHER, OTHER, PERM
    };
    private static final int[] DESTINATION_COUNT = {
        391, 269, 218, 196, 138, 121, 89, 79, 77, 71, 52, 38, 21, 17, 7, 3, 3, 2, 2, 1, 1
    };

    /** The export's exited enrolments per class: es 391, other 94, perm 592, temp 229, unknown 490 of 1,796. */
    public static final ExitClassMix DEFAULT_CLASS_MIX = referenceClassMix();

    private static final Category DESTINATIONS = new Category(DESTINATION_VALUES, DESTINATION_COUNT);
    /** Per class, the destinations in it with their counts; picks index into {@link #DESTINATION_VALUES}. */
    private static final Category[] DESTINATIONS_OF_CLASS = destinationsByClass();

    private static final int[][] DESTINATION_INDEX_OF_CLASS = destinationIndexesByClass();

    /** How strongly features decide the class; lower means noisier labels. */
    private static final double SIGNAL = 1.6;

    private static final int CALIBRATION_HOUSEHOLDS = 60_000;
    private static final long CALIBRATION_SEED = 0x5EED_C1A55L;
    private static final int REENROLMENT_PERCENT = 10;
    private static final int REENROLMENT_POOL = 512;
    private static final int HISTORY_DAYS = 5 * 365;
    private static final int FIRST_PERSONAL_ID = 1_000_001;
    private static final int FIRST_CASE_ID = 200_001;
    private static final int FLUSH_BYTES = 1 << 16;
    /** Stays in days: most families leave within a month or four, a few stay a year or two. */
    private static final int[] STAY_BAND_START = {1, 31, 121, 366};

    private static final int[] STAY_BAND_END = {30, 120, 365, 730};
    private static final Category STAY_BAND =
            new Category(new String[] {"1-30", "31-120", "121-365", "366-730"}, new int[] {45, 35, 15, 5});

    /** Calibration depends on the mix alone and takes a moment: once per mix and process is enough. */
    private static final Map<ExitClassMix, double[]> BIAS_BY_MIX = new ConcurrentHashMap<>();

    private final long seed;
    private final double currentShare;
    private final ExitClassMix classMix;
    private final LocalDate asOf;
    private final int asOfDay;
    private final DayText days;
    private final double[] classBias;

    private GuestGenerator(Builder builder) {
        this.seed = builder.seed;
        this.currentShare = builder.currentShare;
        this.classMix = builder.classMix;
        this.asOf = builder.asOf;
        this.asOfDay = (int) asOf.toEpochDay();
        // Up to a century back for dates of birth; a month ahead for homeless start dates recorded after entry.
        this.days = new DayText(asOfDay - 100 * 366, asOfDay + 31);
        this.classBias = BIAS_BY_MIX.computeIfAbsent(classMix, mix -> calibrateClassBias());
    }

    public static Builder builder() {
        return new Builder();
    }

    public long seed() {
        return seed;
    }

    public double currentShare() {
        return currentShare;
    }

    public ExitClassMix classMix() {
        return classMix;
    }

    /** The export date: ages, current_date and "still in the shelter" are as of this day. */
    public LocalDate asOf() {
        return asOf;
    }

    /**
     * Writes {@code count} guest rows (enrolments) to {@code out} in {@code format}, in chunks of whole rows,
     * and returns the number of rows written. {@code out} is flushed, not closed.
     */
    public long write(Writer out, long count, Format format) throws IOException {
        long rows = write(
                (bytes, length) -> out.write(new String(bytes, 0, length, StandardCharsets.UTF_8)), count, format);
        out.flush();
        return rows;
    }

    /** As {@link #write(Writer, long, Format)}, encoded in UTF-8: the fast path, nothing to encode. */
    public long write(OutputStream out, long count, Format format) throws IOException {
        long rows = write((bytes, length) -> out.write(bytes, 0, length), count, format);
        out.flush();
        return rows;
    }

    /** Receives the generated bytes chunk by chunk; a chunk always ends at the end of a row. */
    @FunctionalInterface
    interface ChunkSink {
        void accept(byte[] bytes, int length) throws IOException;
    }

    private long write(ChunkSink out, long count, Format format) throws IOException {
        if (count < 0) {
            throw new IllegalArgumentException("count is " + count + "; expected 0 or more");
        }
        GuestRowWriter rows = new GuestRowWriter(format, 2 * FLUSH_BYTES, days, DESTINATIONS, asOfDay);
        if (format == Format.CSV) {
            rows.appendHeader();
        }
        SplittableRandom rng = new SplittableRandom(seed);
        HouseholdSampler sampler = new HouseholdSampler(days);
        Household h = new Household();
        Household[] pool = new Household[REENROLMENT_POOL];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = new Household();
        }
        int pooled = 0;
        int nextPooled = 0;
        int nextPersonalId = FIRST_PERSONAL_ID;
        int nextCaseId = FIRST_CASE_ID;
        double[] scores = new double[CLASSES];
        long written = 0;
        while (written < count) {
            int maxSize = (int) Math.min(Household.MAX_MEMBERS, count - written);
            boolean current = rng.nextDouble() < currentShare;
            Household previous =
                    pooled > 0 && rng.nextInt(100) < REENROLMENT_PERCENT ? pool[rng.nextInt(pooled)] : null;
            if (previous != null
                    && previous.size > 0
                    && previous.size <= maxSize
                    && previous.lastExitDay <= asOfDay - 2) {
                h.copyMembersFrom(previous);
                previous.size = 0;
                h.enrollDay = previous.lastExitDay + 1 + rng.nextInt(Math.min(730, asOfDay - 1 - h.lastExitDay));
                h.exitDay = current ? Household.NO_DAY : Math.min(h.enrollDay + stayLength(rng), asOfDay - 1);
            } else {
                sampler.composeNew(rng, h, nextPersonalId, maxSize);
                nextPersonalId += h.size;
                if (current) {
                    h.enrollDay = asOfDay - stayLength(rng) + 1;
                    h.exitDay = Household.NO_DAY;
                } else {
                    int stay = stayLength(rng);
                    h.exitDay = asOfDay - 1 - rng.nextInt(HISTORY_DAYS - stay);
                    h.enrollDay = h.exitDay - stay;
                }
                sampler.setBirthDays(rng, h);
            }
            h.caseId = nextCaseId++;
            sampler.sampleEnrolment(rng, h);
            h.destination = current ? -1 : pickDestination(rng, h, scores);
            for (int m = 0; m < h.size; m++) {
                rows.appendRow(rng, h, m, written++);
            }
            if (!current) {
                h.lastExitDay = h.exitDay;
                pool[nextPooled].copyMembersFrom(h);
                nextPooled = (nextPooled + 1) % pool.length;
                pooled = Math.max(pooled, nextPooled == 0 ? pool.length : nextPooled);
            }
            if (rows.size() >= FLUSH_BYTES) {
                rows.drainTo(out);
            }
        }
        rows.drainTo(out);
        return written;
    }

    private static int stayLength(SplittableRandom rng) {
        int band = STAY_BAND.pick(rng);
        return STAY_BAND_START[band] + rng.nextInt(STAY_BAND_END[band] - STAY_BAND_START[band] + 1);
    }

    private int pickDestination(SplittableRandom rng, Household h, double[] p) {
        classProbabilities(h, p);
        double r = rng.nextDouble();
        int c = 0;
        while (c < CLASSES - 1 && r >= p[c]) {
            r -= p[c];
            c++;
        }
        while (p[c] == 0) {
            c--;
        }
        return DESTINATION_INDEX_OF_CLASS[c][DESTINATIONS_OF_CLASS[c].pick(rng)];
    }

    /**
     * The class probabilities for this household: softmax of the hidden rule's scores plus the class bias.
     * StrictMath, because Math.exp may differ by an ulp between interpreted and compiled code, and the same seed
     * must give the same guests.
     */
    private void classProbabilities(Household h, double[] p) {
        score(h, p);
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < CLASSES; c++) {
            p[c] += classBias[c];
            max = Math.max(max, p[c]);
        }
        double sum = 0;
        for (int c = 0; c < CLASSES; c++) {
            p[c] = StrictMath.exp(p[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < CLASSES; c++) {
            p[c] /= sum;
        }
    }

    /**
     * The hidden rule: earned income and a family lean to permanent housing, chronic homelessness and large
     * households to emergency shelter, young heads and households without children to temporary stays,
     * disability and barriers to "other", a withheld SSN and a restricted record to "unknown".
     */
    private static void score(Household h, double[] s) {
        boolean earned = false;
        int incomeCents = 0;
        for (int i = 0; i < h.size; i++) {
            incomeCents += h.totalIncomeCents(i);
            earned |= h.incomeCents[i][Household.EARNED] > 0;
        }
        double incomeThousands = Math.min(incomeCents, 400_000) / 100_000.0;
        double chronic = h.chronic ? 1 : 0;
        double disabled = h.disabling[0] == GuestValues.DISABLED ? 1 : 0;
        double family = h.type == Household.ADULTS_AND_CHILDREN ? 1 : 0;
        double adultsOnly = h.type == Household.WITHOUT_CHILDREN ? 1 : 0;
        double young = h.age[0] < 25 ? 1 : 0;
        double hasEarned = earned ? 1 : 0;
        s[ES] = SIGNAL * (0.9 * chronic + 0.15 * h.size + 0.3 * disabled - 0.4 * hasEarned);
        s[OTHER] = SIGNAL * (0.6 * disabled + 0.3 * h.barriers[0] + 0.8 * adultsOnly);
        s[PERM] = SIGNAL
                * (1.0 * hasEarned
                        + 0.5 * incomeThousands
                        + 0.12 * h.benefits[0]
                        + 0.5 * family
                        - 0.9 * chronic
                        - 0.4 * disabled);
        s[TEMP] = SIGNAL * (0.9 * (1 - family) + 0.7 * young - 0.05 * h.size);
        s[UNKNOWN] = SIGNAL
                * ((h.ssnQuality[0] != GuestValues.FULL_SSN ? 1.0 : 0)
                        + (h.restricted ? 0.8 : 0)
                        - 0.1 * h.benefits[0]);
    }

    /**
     * Class intercepts that make the expected mix of exited rows equal {@link #classMix}: households drawn as
     * {@link #write} draws them (from a fixed seed; ages are drawn, not derived from dates, so the result
     * depends on the mix alone), then {@code bias += log(target / achieved)} until it settles.
     */
    private double[] calibrateClassBias() {
        SplittableRandom rng = new SplittableRandom(CALIBRATION_SEED);
        HouseholdSampler sampler = new HouseholdSampler(days);
        Household h = new Household();
        double[][] scores = new double[CALIBRATION_HOUSEHOLDS][CLASSES];
        double[] weight = new double[CALIBRATION_HOUSEHOLDS];
        for (int k = 0; k < CALIBRATION_HOUSEHOLDS; k++) {
            sampler.composeNew(rng, h, FIRST_PERSONAL_ID, Household.MAX_MEMBERS);
            h.enrollDay = asOfDay - 1 - rng.nextInt(HISTORY_DAYS);
            sampler.setBirthDays(rng, h);
            sampler.sampleEnrolment(rng, h);
            score(h, scores[k]);
            weight[k] = h.size;
        }
        double[] bias = new double[CLASSES];
        double[] target = new double[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            target[c] = classMix.share(c);
            bias[c] = target[c] == 0 ? Double.NEGATIVE_INFINITY : 0;
        }
        double[] achieved = new double[CLASSES];
        double[] p = new double[CLASSES];
        for (int iteration = 0; iteration < 500; iteration++) {
            Arrays.fill(achieved, 0);
            double total = 0;
            for (int k = 0; k < CALIBRATION_HOUSEHOLDS; k++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < CLASSES; c++) {
                    p[c] = scores[k][c] + bias[c];
                    max = Math.max(max, p[c]);
                }
                double sum = 0;
                for (int c = 0; c < CLASSES; c++) {
                    p[c] = StrictMath.exp(p[c] - max);
                    sum += p[c];
                }
                for (int c = 0; c < CLASSES; c++) {
                    achieved[c] += weight[k] * p[c] / sum;
                }
                total += weight[k];
            }
            double worst = 0;
            for (int c = 0; c < CLASSES; c++) {
                if (target[c] > 0) {
                    double step = StrictMath.log(target[c] / (achieved[c] / total));
                    bias[c] += step;
                    worst = Math.max(worst, Math.abs(step));
                }
            }
            if (worst < 1e-6) {
                break;
            }
        }
        return bias;
    }

    private static ExitClassMix referenceClassMix() {
        double[] count = new double[CLASSES];
        for (int i = 0; i < DESTINATION_VALUES.length; i++) {
            count[DESTINATION_CLASS[i]] += DESTINATION_COUNT[i];
        }
        return new ExitClassMix(count[ES], count[OTHER], count[PERM], count[TEMP], count[UNKNOWN]);
    }

    private static Category[] destinationsByClass() {
        Category[] byClass = new Category[CLASSES];
        int[][] indexes = destinationIndexesByClass();
        for (int c = 0; c < CLASSES; c++) {
            String[] values = new String[indexes[c].length];
            int[] weights = new int[indexes[c].length];
            for (int j = 0; j < values.length; j++) {
                values[j] = DESTINATION_VALUES[indexes[c][j]];
                weights[j] = DESTINATION_COUNT[indexes[c][j]];
            }
            byClass[c] = new Category(values, weights);
        }
        return byClass;
    }

    private static int[][] destinationIndexesByClass() {
        int[][] byClass = new int[CLASSES][];
        for (int c = 0; c < CLASSES; c++) {
            int n = 0;
            for (int cls : DESTINATION_CLASS) {
                n += cls == c ? 1 : 0;
            }
            byClass[c] = new int[n];
            n = 0;
            for (int i = 0; i < DESTINATION_CLASS.length; i++) {
                if (DESTINATION_CLASS[i] == c) {
                    byClass[c][n++] = i;
                }
            }
        }
        return byClass;
    }

    /** Settings of a {@link GuestGenerator}; every one has a default. */
    public static final class Builder {
        private long seed = 42;
        private double currentShare = DEFAULT_CURRENT_SHARE;
        private ExitClassMix classMix = DEFAULT_CLASS_MIX;
        private LocalDate asOf = LocalDate.now(ZoneOffset.UTC);

        private Builder() {}

        /** Default 42. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The probability that a household is still in the shelter; default 0.10. */
        public Builder currentShare(double currentShare) {
            if (!(currentShare >= 0 && currentShare <= 1)) {
                throw new IllegalArgumentException("currentShare is " + currentShare + "; expected 0..1");
            }
            this.currentShare = currentShare;
            return this;
        }

        /** The mix of classes among exited guests; default {@link #DEFAULT_CLASS_MIX}. */
        public Builder classMix(ExitClassMix classMix) {
            this.classMix = Objects.requireNonNull(classMix, "classMix");
            return this;
        }

        /** The export date; default today (UTC). Fix it when the output must be reproducible across days. */
        public Builder asOf(LocalDate asOf) {
            Objects.requireNonNull(asOf, "asOf");
            if (asOf.getYear() < 2000 || asOf.getYear() > 2999) {
                throw new IllegalArgumentException("asOf is " + asOf + "; expected a date in the years 2000..2999");
            }
            this.asOf = asOf;
            return this;
        }

        public GuestGenerator build() {
            return new GuestGenerator(this);
        }
    }
}
