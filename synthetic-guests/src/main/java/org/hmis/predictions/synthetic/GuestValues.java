package org.hmis.predictions.synthetic;

/**
 * The values each generated column takes and how often. Where docs/guests-data.md gives counts from the
 * public export of 1,862 enrolments (race, ethnicity, household type, relationships), those counts are the
 * weights; elsewhere the weights are plausible guesses over the values the reference lists.
 */
final class GuestValues {

    static final Category RELATIONSHIP = Category.uniform(
            "Self",
            "Son",
            "Daughter",
            "Significant Other (Non-Married)",
            "Spouse",
            "Grandchild",
            "Other Family Member",
            "Dependent Child",
            "Step Child",
            "Other Non-Family");
    static final int SELF = 0;
    static final int SON = 1;
    static final int DAUGHTER = 2;
    static final int GRANDCHILD = 5;
    static final int OTHER_FAMILY_MEMBER = 6;

    /** Counts from the export; each picks an index of {@link #RELATIONSHIP}. */
    static final Category CHILD_RELATIONSHIP = new Category(
            new String[] {"Son", "Daughter", "Grandchild", "Dependent Child", "Step Child"},
            new int[] {492, 430, 27, 7, 6});

    static final Category PARTNER_RELATIONSHIP =
            new Category(new String[] {"Significant Other (Non-Married)", "Spouse"}, new int[] {173, 127});
    static final Category OTHER_ADULT_RELATIONSHIP =
            new Category(new String[] {"Other Family Member", "Other Non-Family"}, new int[] {22, 2});

    /** Per household, chosen so that the share of rows comes out near the export's 1737 : 122 : 3. */
    static final Category HOUSEHOLD_TYPE = new Category(
            new String[] {
                "Household with Adults and Children", "Household without Children", "Household with Only Children"
            },
            new int[] {487, 87, 2});

    static final Category RACE = new Category(
            new String[] {
                "White",
                "American Indian or Alaska Native",
                "Black or African American",
                "Multi-Racial",
                "Native Hawaiian or Other Pacific Islander",
                "Client refused",
                "Client doesn't know",
                "Asian",
                "Data not collected",
                null
            },
            new int[] {1164, 196, 191, 182, 97, 20, 5, 3, 1, 3});
    static final int AMERICAN_INDIAN = 1;
    static final Category ETHNICITY = new Category(
            new String[] {
                "Non-Hispanic/Latino", "Hispanic/Latino", "Client refused", "Client doesn't know", "Data not collected"
            },
            new int[] {1635, 204, 17, 2, 1});

    /** Heads of household are mostly women in a family shelter; the export has 982 women, 877 men overall. */
    static final Category GENDER_HOH = new Category(
            new String[] {
                "Female",
                "Male",
                "Trans Male (FTM or Female to Male)",
                "Gender Non-Conforming (i.e. not exclusively male or female)"
            },
            new int[] {700, 296, 3, 1});

    static final Category GENDER_OTHER = new Category(
            new String[] {
                "Female",
                "Male",
                "Trans Male (FTM or Female to Male)",
                "Gender Non-Conforming (i.e. not exclusively male or female)"
            },
            new int[] {480, 516, 3, 1});
    static final int FEMALE = 0;
    static final int MALE = 1;

    static final Category SSN_QUALITY = new Category(
            new String[] {
                "Full SSN",
                "Client Refused",
                "Data not collected",
                "Client doesn't know",
                "Approximate or partial SSN reported"
            },
            new int[] {80, 6, 5, 5, 4});
    static final int FULL_SSN = 0;
    static final int PARTIAL_SSN = 4;
    static final Category DOB_QUALITY =
            new Category(new String[] {"Full DOB Reported", "Approximate or Partial DOB Reported"}, new int[] {97, 3});

    static final Category DISABLING_ADULT = new Category(
            new String[] {"No", "Yes", "Missing", "Client refused", "Data not collected", "Client doesnt know"},
            new int[] {62, 26, 4, 2, 4, 2});
    static final Category DISABLING_CHILD = new Category(
            new String[] {"No", "Yes", "Missing", "Client refused", "Data not collected", "Client doesnt know"},
            new int[] {85, 5, 4, 1, 4, 1});
    static final int DISABLED = 1;

    static final Category HEALTH_INSURANCE = new Category(
            new String[] {"Yes", "No", "Client refused", "Data Not Collected", "Client doesn't know"},
            new int[] {78, 14, 2, 5, 1});
    static final int INSURED = 0;
    static final int UNINSURED = 1;

    static final Category VET_STATUS = new Category(new String[] {"No", "Yes", "Client refused"}, new int[] {95, 3, 2});
    static final int VETERAN = 1;

    static final Category LIVING_SITUATION = new Category(
            new String[] {
                "Emergency shelter, including hotel or motel paid for with emergency shelter voucher",
                "Place not meant for habitation",
                "Staying or living in a family member's room, apartment or house",
                "Staying or living in a friend's room, apartment or house",
                "Rental by client, no ongoing housing subsidy",
                "Hotel or motel paid for without emergency shelter voucher",
                "Transitional housing for homeless persons (including homeless youth)",
                "Safe Haven",
                "Psychiatric hospital or other psychiatric facility",
                "Substance abuse treatment facility or detox center",
                "Hospital or other residential non-psychiatric medical facility",
                "Jail, prison or juvenile detention facility",
                "Foster care home or foster care group home",
                "Client refused",
                "Data not collected"
            },
            new int[] {30, 18, 15, 10, 6, 5, 3, 1, 1, 1, 1, 2, 1, 3, 3});
    static final Category LENGTH_OF_STAY = new Category(
            new String[] {
                "One night or less",
                "Two to six nights",
                "One week or more, but less than one month",
                "One month or more, but less than 90 days",
                "90 days or more but less than one year",
                "One year or longer",
                "Client refused",
                "Data not collected"
            },
            new int[] {8, 15, 25, 22, 16, 9, 2, 3});
    static final Category TIMES_HOMELESS = new Category(
            new String[] {
                "One time", "Two times", "Three times", "Four or more times", "Client refused", "Data not collected"
            },
            new int[] {50, 20, 10, 12, 3, 5});
    static final Category TOTAL_MONTHS_HOMELESS = new Category(
            new String[] {
                "One month (this time is the first month)",
                "2",
                "3",
                "4",
                "5",
                "6",
                "7",
                "8",
                "9",
                "10",
                "11",
                "12",
                "More than 12 months",
                "Client refused",
                "Data not collected"
            },
            new int[] {30, 6, 5, 5, 4, 4, 3, 3, 3, 2, 2, 3, 15, 3, 5});
    static final Category LAST_PERM_ADDRESS = new Category(
            new String[] {
                "Full address reported",
                "Incomplete or estimated address reported",
                "Client refused",
                "Data not collected"
            },
            new int[] {70, 15, 5, 10});
    static final Category STATE =
            new Category(new String[] {"WA", "ID", "OR", "MT", "CA", "TX"}, new int[] {85, 8, 2, 2, 2, 1});
    static final Category MUNICIPALITY = new Category(
            new String[] {
                "Spokane",
                "Spokane Valley",
                "Airway Heights",
                "Cheney",
                "Deer Park",
                "Liberty Lake",
                "Medical Lake",
                null
            },
            new int[] {70, 14, 4, 3, 2, 2, 2, 3});

    /** Category 4 is not drawn: it is the value for a guest currently fleeing domestic violence. */
    static final Category HOUSING_STATUS = new Category(
            new String[] {
                "Category 1 - Homeless",
                "Category 2 - At imminent risk of losing housing",
                "Category 3 - Homeless only under other federal statutes",
                "Category 4 - Fleeing domestic violence",
                "At-risk of homelessness",
                "Client refused"
            },
            new int[] {84, 5, 2, 0, 5, 2});

    static final int FLEEING_DV = 3;
    static final Category DOMESTIC_VIOLENCE =
            new Category(new String[] {"No", "Yes", "Refused"}, new int[] {80, 17, 3});
    static final int DV_SURVIVOR = 1;
    static final Category CURRENTLY_FLEEING = new Category(new String[] {"Yes", "No"}, new int[] {40, 60});
    static final int FLEEING = 0;
    static final Category WHEN_DV_OCCURRED = new Category(
            new String[] {
                "Within the past three months",
                "Three to six months ago",
                "Six months to one year ago",
                "One year ago or more",
                "Client refused"
            },
            new int[] {30, 15, 15, 35, 5});
    static final Category CURRENT_STATUS =
            new Category(new String[] {"Yes", "No", "Refused", "Don't Know"}, new int[] {20, 70, 4, 6});
    static final Category CONNECTED_TO_MVENTO = new Category(
            new String[] {"No", "Yes", "Client doesn't know", "Data Not Collected", "Client refused"},
            new int[] {50, 35, 5, 8, 2});

    static final Category LAST_GRADE_ADULT = new Category(
            new String[] {
                "Nursery School to 4th Grade",
                "5th Grade or 6th Grade",
                "7th Grade or 8th Grade",
                "9th Grade to 11th Grade",
                "12th Grade",
                "GED",
                "Some College",
                "School program does not have grade levels",
                "No School Completed",
                "Refused",
                "Data not collected"
            },
            new int[] {1, 1, 4, 25, 30, 15, 12, 1, 2, 3, 6});
    /** By a child's age: index 0 from age 5, 1 from 10, 2 from 12, 3 from 14. */
    static final Category LAST_GRADE_CHILD = Category.uniform(
            "Nursery School to 4th Grade",
            "5th Grade or 6th Grade",
            "7th Grade or 8th Grade",
            "9th Grade to 11th Grade");

    static final Category SCHOOL_STATUS_ADULT = new Category(
            new String[] {
                "Graduated from high school",
                "Obtained GED",
                "Dropped out",
                "Attending school regularly",
                "Attending school irregularly"
            },
            new int[] {45, 17, 30, 4, 4});
    static final Category SCHOOL_STATUS_CHILD = new Category(
            new String[] {"Attending school regularly", "Attending school irregularly", "Suspended", "Expelled"},
            new int[] {80, 15, 3, 2});
    static final Category YES_NO = Category.uniform("Yes", "No");
    static final int YES = 0;
    static final int NO = 1;
    static final Category REASON_NOT_EMPLOYED = new Category(
            new String[] {"Unable to work", "Looking for work", "Not looking for work"}, new int[] {30, 50, 20});
    static final int LOOKING_FOR_WORK = 1;
    static final Category TYPE_OF_EMPLOYMENT = new Category(
            new String[] {"Full-Time", "Part-Time", "Seasonal / sporadic (including day labor)"},
            new int[] {40, 45, 15});

    /** Night-by-night at Open Doors, entry/exit at Bridges, with a few exceptions each way. */
    static final Category PROJECT =
            new Category(new String[] {"FPS--ES--Open Doors", "FPS--ES--Bridges Family Shelter"}, new int[] {55, 45});

    static final Category UTIL_TRACK_METHOD = Category.uniform("Night-by-Night (nbn)", "Entry/Exit (e/e)");
    static final int NIGHT_BY_NIGHT = 0;
    static final Category INFO_RELEASE_STATUS =
            Category.uniform("Client may be seen by others", "Client NOT seen by others");

    /** The seven barrier columns' labels, in table order, and how often each is the one reported. */
    static final Category BARRIERS = new Category(
            new String[] {
                "Alcohol Abuse",
                "Chronic Health",
                "Developmental Disability",
                "Drug Abuse",
                "HIV/AIDS",
                "Mental Illness",
                "Physical Disability"
            },
            new int[] {12, 15, 8, 15, 1, 30, 19});

    static final Category BARRIER_COUNT_ADULT =
            new Category(new String[] {"0", "1", "2", "3", "4", "5", "6"}, new int[] {45, 25, 14, 8, 5, 2, 1});
    static final Category BARRIER_COUNT_CHILD =
            new Category(new String[] {"0", "1", "2", "3"}, new int[] {85, 10, 4, 1});
    static final Category BENEFIT_COUNT = new Category(
            new String[] {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"},
            new int[] {300, 300, 200, 100, 50, 20, 12, 8, 5, 3, 2});

    /** The most_recent_* columns' programmes, in table order (rrh, street outreach, CE, ES, trans, PSH,
     *  prevention), how often a guest has one, and its text when it is still running. */
    static final int[] MOST_RECENT_PERCENT = {10, 3, 25, 20, 5, 2, 4};

    static final Category MOST_RECENT_CURRENT = Category.uniform(
            "Current: SRHD--RRH--Rapid Rehousing",
            "Current: SRHD--SO--Street Outreach",
            "Current: SRHD--CE--Coordinated Entry",
            "Current: SRHD--ES--Emergency Shelter",
            "Current: SRHD--TH--Transitional Housing",
            "Current: SRHD--PSH--Permanent Supportive Housing",
            "Current: SRHD--HP--Homeless Prevention");

    private GuestValues() {}
}
