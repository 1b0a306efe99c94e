package org.hmis.predictions.synthetic;

import static org.hmis.predictions.synthetic.GuestValues.*;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws households: who is in them (composition, ages, lasting traits of each person) and what an enrolment
 * records about them that matters to the exit-destination rule (disability, income, benefits, barriers,
 * chronic homelessness). Everything else about a row is drawn while it is written ({@link GuestRowWriter}).
 */
final class HouseholdSampler {

    /** Children beyond the first in a family: mostly one or two children in all. */
    private static final Category EXTRA_CHILDREN = new Category(
            new String[] {"0", "1", "2", "3", "4", "5", "6", "7"}, new int[] {400, 300, 160, 80, 35, 15, 6, 4});
    /** Head of household's age band in a family, and in a household without children: 18-24 .. 55-60. */
    private static final int[] AGE_BAND_START = {18, 25, 35, 45, 55};

    private static final int[] AGE_BAND_END = {24, 34, 44, 54, 60};
    private static final Category FAMILY_HOH_AGE_BAND =
            new Category(new String[] {"18-24", "25-34", "35-44", "45-54", "55-60"}, new int[] {22, 38, 25, 10, 5});
    private static final Category SINGLE_HOH_AGE_BAND =
            new Category(new String[] {"18-24", "25-34", "35-44", "45-54", "55-60"}, new int[] {25, 20, 20, 20, 15});

    private static final int[] CHILD_RELATIONSHIP_INDEX = relationshipIndexes(CHILD_RELATIONSHIP);
    private static final int[] PARTNER_RELATIONSHIP_INDEX = relationshipIndexes(PARTNER_RELATIONSHIP);
    private static final int[] OTHER_ADULT_RELATIONSHIP_INDEX = relationshipIndexes(OTHER_ADULT_RELATIONSHIP);

    private final DayText days;

    HouseholdSampler(DayText days) {
        this.days = days;
    }

    /**
     * A new household: its type, members, their ages at the coming enrolment and lasting traits. Personal ids
     * are {@code firstPersonalId, firstPersonalId + 1, ...}; no more than {@code maxSize} members.
     */
    void composeNew(SplittableRandom rng, Household h, int firstPersonalId, int maxSize) {
        int type = HOUSEHOLD_TYPE.pick(rng);
        if (maxSize == 1 && type == Household.ADULTS_AND_CHILDREN) {
            type = Household.WITHOUT_CHILDREN;
        }
        h.size = 0;
        if (type == Household.ONLY_CHILDREN) {
            int hohAge = 14 + rng.nextInt(4);
            addMember(rng, h, SELF, hohAge);
            int siblings = Math.min(rng.nextInt(3), maxSize - 1);
            for (int i = 0; i < siblings; i++) {
                addMember(rng, h, OTHER_FAMILY_MEMBER, rng.nextInt(hohAge + 1));
            }
        } else {
            boolean family = type == Household.ADULTS_AND_CHILDREN;
            int band = (family ? FAMILY_HOH_AGE_BAND : SINGLE_HOH_AGE_BAND).pick(rng);
            int hohAge = AGE_BAND_START[band] + rng.nextInt(AGE_BAND_END[band] - AGE_BAND_START[band] + 1);
            addMember(rng, h, SELF, hohAge);
            int childrenWanted = family ? Math.min(Household.MAX_CHILDREN, 1 + EXTRA_CHILDREN.pick(rng)) : 0;
            int roomForAdults = Math.min(Household.MAX_ADULTS, maxSize - Math.min(childrenWanted, 1)) - 1;
            if (roomForAdults > 0 && rng.nextInt(100) < (family ? 54 : 35)) {
                int partnerAge = Math.max(18, Math.min(60, hohAge - 6 + rng.nextInt(13)));
                addMember(rng, h, PARTNER_RELATIONSHIP_INDEX[PARTNER_RELATIONSHIP.pick(rng)], partnerAge);
                roomForAdults--;
            }
            if (roomForAdults > 0 && rng.nextInt(100) < 5) {
                addMember(
                        rng,
                        h,
                        OTHER_ADULT_RELATIONSHIP_INDEX[OTHER_ADULT_RELATIONSHIP.pick(rng)],
                        18 + rng.nextInt(43));
            }
            int children = Math.min(childrenWanted, maxSize - h.size);
            for (int i = 0; i < children; i++) {
                int relationship = CHILD_RELATIONSHIP_INDEX[CHILD_RELATIONSHIP.pick(rng)];
                // A parent is at least 15 years older than the child; grandchildren need an older head.
                int maxChildAge = Math.min(17, hohAge - 15);
                if (relationship == GRANDCHILD) {
                    if (hohAge < 36) {
                        relationship = rng.nextBoolean() ? SON : DAUGHTER;
                    } else {
                        maxChildAge = Math.min(17, hohAge - 34);
                    }
                }
                addMember(rng, h, relationship, rng.nextInt(maxChildAge + 1));
            }
        }
        for (int i = 0; i < h.size; i++) {
            h.personalId[i] = firstPersonalId + i;
        }
    }

    private void addMember(SplittableRandom rng, Household h, int relationship, int age) {
        int i = h.size++;
        h.relationship[i] = relationship;
        h.age[i] = age;
        if (relationship == SON) {
            h.gender[i] = MALE;
        } else if (relationship == DAUGHTER) {
            h.gender[i] = FEMALE;
        } else if (i == 0) {
            h.gender[i] = GENDER_HOH.pick(rng);
        } else if (i == 1 && age >= 18 && h.gender[0] <= MALE && rng.nextInt(10) < 9) {
            h.gender[i] = MALE - h.gender[0];
        } else {
            h.gender[i] = GENDER_OTHER.pick(rng);
        }
        // Families mostly share race and ethnicity; a head who withholds an SSN often withholds the others'.
        h.race[i] = i > 0 && rng.nextInt(10) < 7 ? h.race[0] : RACE.pick(rng);
        h.ethnicity[i] = i > 0 && rng.nextInt(10) < 8 ? h.ethnicity[0] : ETHNICITY.pick(rng);
        h.ssnQuality[i] =
                i > 0 && h.ssnQuality[0] != FULL_SSN && rng.nextInt(10) < 7 ? h.ssnQuality[0] : SSN_QUALITY.pick(rng);
        h.dobQuality[i] = DOB_QUALITY.pick(rng);
    }

    /** Dates of birth that give each member exactly the age drawn for them on {@code h.enrollDay}. */
    void setBirthDays(SplittableRandom rng, Household h) {
        LocalDate enrolled = LocalDate.ofEpochDay(h.enrollDay);
        for (int i = 0; i < h.size; i++) {
            long latest = enrolled.minusYears(h.age[i]).toEpochDay();
            long earliest = enrolled.minusYears(h.age[i] + 1L).toEpochDay() + 1;
            h.dobDay[i] = (int) (earliest + rng.nextInt((int) (latest - earliest + 1)));
        }
    }

    /** What this enrolment records about the household, from its members' ages on {@code h.enrollDay}. */
    void sampleEnrolment(SplittableRandom rng, Household h) {
        h.adults = 0;
        for (int i = 0; i < h.size; i++) {
            h.age[i] = days.age(h.dobDay[i], h.enrollDay);
            if (h.age[i] >= 18) {
                h.adults++;
            }
        }
        h.children = h.size - h.adults;
        h.type = h.children == 0
                ? Household.WITHOUT_CHILDREN
                : h.adults == 0 ? Household.ONLY_CHILDREN : Household.ADULTS_AND_CHILDREN;
        h.project = PROJECT.pick(rng);
        h.nightByNight = (h.project == 0) == (rng.nextInt(10) < 9);
        h.chronic = h.age[0] >= 18 && rng.nextInt(100) < 18;
        h.restricted = rng.nextInt(100) < 6;
        h.infoReleaseNo = rng.nextInt(100) < 85 ? 500 : 142;
        h.homelessStartDay = rng.nextInt(100) < 3 ? h.enrollDay + 1 + rng.nextInt(30) : h.enrollDay - rng.nextInt(900);
        for (int i = 0; i < h.size; i++) {
            boolean adult = h.age[i] >= 18;
            h.vetStatus[i] = adult ? VET_STATUS.pick(rng) : -1;
            // HUD's chronic homelessness requires a disabling condition of the head of household.
            h.disabling[i] = i == 0 && h.chronic ? DISABLED : (adult ? DISABLING_ADULT : DISABLING_CHILD).pick(rng);
            boolean disabled = h.disabling[i] == DISABLED;
            h.employed[i] = adult && rng.nextInt(100) < (disabled ? 12 : 35);
            h.benefits[i] = i > 0 && !adult && rng.nextBoolean() ? h.benefits[0] : BENEFIT_COUNT.pick(rng);
            int barriers = (adult ? BARRIER_COUNT_ADULT : BARRIER_COUNT_CHILD).pick(rng);
            h.barriers[i] = disabled && barriers == 0 ? 1 : barriers;
            sampleIncome(rng, h, i, adult, disabled);
        }
    }

    private static void sampleIncome(SplittableRandom rng, Household h, int i, boolean adult, boolean disabled) {
        int[] cents = h.incomeCents[i];
        Arrays.fill(cents, 0);
        if (!adult) {
            if (disabled && rng.nextInt(100) < 20) {
                cents[Household.SSI] = dollars(rng, 550, 943);
            }
            return;
        }
        boolean hasChildren = h.children > 0;
        if (h.employed[i]) {
            cents[Household.EARNED] = dollars(rng, 400, 3400);
        } else if (rng.nextInt(100) < 4) {
            cents[Household.UNEMPLOYMENT] = dollars(rng, 300, 1400);
        }
        if (rng.nextInt(100) < (disabled ? 25 : 4)) {
            cents[Household.SSI] = dollars(rng, 550, 943);
        }
        if (rng.nextInt(100) < (disabled ? 20 : 3)) {
            cents[Household.SSDI] = dollars(rng, 700, 1900);
        }
        if (h.vetStatus[i] == VETERAN && rng.nextInt(100) < 40) {
            cents[Household.VA_COMPENSATION] = dollars(rng, 170, 3700);
        }
        if (rng.nextInt(1000) < 5) {
            cents[Household.PRIVATE_DISABILITY] = dollars(rng, 500, 2000);
        }
        if (rng.nextInt(1000) < 4) {
            cents[Household.WORKERS_COMPENSATION] = dollars(rng, 400, 1800);
        }
        if (i == 0 && hasChildren && rng.nextInt(100) < 22) {
            cents[Household.TANF] = dollars(rng, 250, 650);
        }
        if (!hasChildren && rng.nextInt(100) < 5) {
            cents[Household.GENERAL_ASSISTANCE] = dollars(rng, 150, 250);
        }
        if (i == 0 && hasChildren && rng.nextInt(100) < 10) {
            cents[Household.CHILD_SUPPORT] = dollars(rng, 100, 800);
        }
        if (rng.nextInt(100) < 3) {
            cents[Household.OTHER_INCOME] = dollars(rng, 50, 600);
        }
    }

    private static int[] relationshipIndexes(Category subset) {
        int[] indexes = new int[subset.size()];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = RELATIONSHIP.indexOf(subset.value(i));
        }
        return indexes;
    }

    private static int dollars(SplittableRandom rng, int min, int max) {
        return min * 100 + rng.nextInt((max - min) * 100 + 1);
    }
}
