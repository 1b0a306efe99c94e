package org.hmis.predictions.synthetic;

/**
 * One enrolment of a household (HMIS case): who its members are, and what the exit-destination rule and the
 * row writer need to know about this enrolment. Instances are reused from household to household, so
 * generating a million guests allocates almost nothing per guest.
 */
final class Household {

    static final int MAX_MEMBERS = 10;
    static final int MAX_ADULTS = 4;
    static final int MAX_CHILDREN = 8;
    static final int NO_DAY = Integer.MIN_VALUE;

    /** Household types, the index order of {@link GuestValues#HOUSEHOLD_TYPE}. */
    static final int ADULTS_AND_CHILDREN = 0;

    static final int WITHOUT_CHILDREN = 1;
    static final int ONLY_CHILDREN = 2;

    /** Income columns, in table order: earned_income .. other_income. */
    static final int INCOME_COLUMNS = 15;

    static final int EARNED = 0;
    static final int UNEMPLOYMENT = 1;
    static final int SSI = 2;
    static final int SSDI = 3;
    static final int VA_COMPENSATION = 4;
    static final int PRIVATE_DISABILITY = 6;
    static final int WORKERS_COMPENSATION = 7;
    static final int TANF = 8;
    static final int GENERAL_ASSISTANCE = 9;
    static final int CHILD_SUPPORT = 12;
    static final int OTHER_INCOME = 14;

    // Who: kept when the household re-enrols.
    int size;
    final int[] personalId = new int[MAX_MEMBERS];
    final int[] dobDay = new int[MAX_MEMBERS];
    final int[] relationship = new int[MAX_MEMBERS];
    final int[] gender = new int[MAX_MEMBERS];
    final int[] race = new int[MAX_MEMBERS];
    final int[] ethnicity = new int[MAX_MEMBERS];
    final int[] dobQuality = new int[MAX_MEMBERS];
    final int[] ssnQuality = new int[MAX_MEMBERS];
    /** The day this household's latest enrolment ended; a re-enrolment starts after it. */
    int lastExitDay = NO_DAY;

    // This enrolment.
    int caseId;
    int adults;
    int children;
    int type;
    int enrollDay;
    int exitDay = NO_DAY;
    /** Index into the exit destinations, or -1 while the household is still in the shelter. */
    int destination = -1;

    int project;
    boolean nightByNight;
    boolean chronic;
    boolean restricted;
    int infoReleaseNo;
    int homelessStartDay;
    final int[] age = new int[MAX_MEMBERS];
    /** Index into {@link GuestValues#VET_STATUS}, or -1 (NULL) for a child. */
    final int[] vetStatus = new int[MAX_MEMBERS];

    final int[] disabling = new int[MAX_MEMBERS];
    final boolean[] employed = new boolean[MAX_MEMBERS];
    final int[] benefits = new int[MAX_MEMBERS];
    final int[] barriers = new int[MAX_MEMBERS];
    final int[][] incomeCents = new int[MAX_MEMBERS][INCOME_COLUMNS];

    boolean current() {
        return exitDay == NO_DAY;
    }

    int totalIncomeCents(int member) {
        int total = 0;
        for (int cents : incomeCents[member]) {
            total += cents;
        }
        return total;
    }

    /** Copies the members (not this enrolment) of {@code other}, as a re-enrolment does. */
    void copyMembersFrom(Household other) {
        size = other.size;
        lastExitDay = other.lastExitDay;
        System.arraycopy(other.personalId, 0, personalId, 0, size);
        System.arraycopy(other.dobDay, 0, dobDay, 0, size);
        System.arraycopy(other.relationship, 0, relationship, 0, size);
        System.arraycopy(other.gender, 0, gender, 0, size);
        System.arraycopy(other.race, 0, race, 0, size);
        System.arraycopy(other.ethnicity, 0, ethnicity, 0, size);
        System.arraycopy(other.dobQuality, 0, dobQuality, 0, size);
        System.arraycopy(other.ssnQuality, 0, ssnQuality, 0, size);
    }
}
