-- A HUD HMIS CSV export, loaded by hmis-import (docs/hmis-import.md), and the guests-shaped table made from it.
--
-- The hmis_* import tables hold the export's records the mapping reads, under the export's own primary keys, which
-- stay text: HMIS IDs are strings even when they look numeric. Soft-deleted rows and their orphans are never kept.
-- hmis_guests holds exactly the columns the pipeline reads from an intake app's guests table, with its text labels, so
-- the pipeline runs unchanged with GUESTS_TABLE=hmis_guests; its integer keys come from the surrogate maps below.

-- Every import applied, newest last; the newest gives the export's dates that hmis_guests is computed as of.
CREATE TABLE hmis_exports (
    import_id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    export_id           TEXT        NOT NULL,
    csv_version         TEXT        NOT NULL,
    hmis_version        TEXT        NOT NULL,
    export_date         TIMESTAMP   NOT NULL,
    export_start_date   DATE        NOT NULL,
    export_end_date     DATE        NOT NULL,
    export_directive    INTEGER     NOT NULL,
    export_period_type  INTEGER     NOT NULL,
    imported_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE hmis_projects (
    project_id    TEXT PRIMARY KEY,
    project_type  INTEGER
);

CREATE TABLE hmis_clients (
    personal_id        TEXT PRIMARY KEY,
    ssn_data_quality   INTEGER,
    dob                DATE,
    dob_data_quality   INTEGER,
    am_ind_ak_native   INTEGER,
    asian              INTEGER,
    black_af_american  INTEGER,
    hispanic_latinaeo  INTEGER,
    mid_east_n_african INTEGER,
    native_hi_pacific  INTEGER,
    white              INTEGER,
    race_none          INTEGER,
    -- FY2024's gender columns; NULL in an FY2026 export, which has Sex instead.
    woman              INTEGER,
    man                INTEGER,
    non_binary         INTEGER,
    transgender        INTEGER,
    gender_none        INTEGER,
    sex                INTEGER
);

CREATE TABLE hmis_enrollments (
    enrollment_id                    TEXT PRIMARY KEY,
    personal_id                      TEXT    NOT NULL,
    project_id                       TEXT    NOT NULL,
    entry_date                       DATE    NOT NULL,
    household_id                     TEXT    NOT NULL,
    relationship_to_hoh              INTEGER,
    date_to_street_essh              DATE,
    times_homeless_past_three_years  INTEGER,
    months_homeless_past_three_years INTEGER,
    disabling_condition              INTEGER
);
CREATE INDEX hmis_enrollments_household_idx ON hmis_enrollments (project_id, household_id);

CREATE TABLE hmis_exits (
    exit_id                   TEXT PRIMARY KEY,
    enrollment_id             TEXT    NOT NULL,
    exit_date                 DATE    NOT NULL,
    destination               INTEGER NOT NULL,
    destination_subsidy_type  INTEGER
);
CREATE INDEX hmis_exits_enrollment_idx ON hmis_exits (enrollment_id);

-- Every stage's record is kept, so that a delta bringing an enrollment's entry record later still finds it.
CREATE TABLE hmis_income_benefits (
    income_benefits_id         TEXT PRIMARY KEY,
    enrollment_id              TEXT      NOT NULL,
    information_date           DATE      NOT NULL,
    data_collection_stage      INTEGER   NOT NULL,
    date_updated               TIMESTAMP,
    earned                     INTEGER,
    earned_amount              NUMERIC(12,2),
    ssi                        INTEGER,
    ssi_amount                 NUMERIC(12,2),
    ssdi                       INTEGER,
    ssdi_amount                NUMERIC(12,2),
    va_disability_service      INTEGER,
    va_disability_service_amount NUMERIC(12,2),
    private_disability         INTEGER,
    private_disability_amount  NUMERIC(12,2),
    tanf                       INTEGER,
    tanf_amount                NUMERIC(12,2),
    ga                         INTEGER,
    ga_amount                  NUMERIC(12,2),
    child_support              INTEGER,
    child_support_amount       NUMERIC(12,2),
    other_income_source        INTEGER,
    other_income_amount        NUMERIC(12,2),
    snap                       INTEGER,
    wic                        INTEGER,
    tanf_child_care            INTEGER,
    tanf_transportation        INTEGER,
    other_tanf                 INTEGER,
    other_benefits_source      INTEGER,
    insurance_from_any_source  INTEGER
);
CREATE INDEX hmis_income_benefits_enrollment_idx ON hmis_income_benefits (enrollment_id);

CREATE TABLE hmis_disabilities (
    disabilities_id        TEXT PRIMARY KEY,
    enrollment_id          TEXT      NOT NULL,
    information_date       DATE      NOT NULL,
    data_collection_stage  INTEGER   NOT NULL,
    date_updated           TIMESTAMP,
    disability_type        INTEGER   NOT NULL,
    disability_response    INTEGER   NOT NULL
);
CREATE INDEX hmis_disabilities_enrollment_idx ON hmis_disabilities (enrollment_id);

-- The pipeline keys guests by an integer personal_id and case_id: each HMIS PersonalID, and each household
-- (ProjectID, HouseholdID), gets one for good, so keys and predictions stay put from one import to the next.
CREATE TABLE hmis_person_keys (
    hmis_personal_id  TEXT PRIMARY KEY,
    personal_id       INTEGER GENERATED ALWAYS AS IDENTITY UNIQUE
);

CREATE TABLE hmis_household_keys (
    project_id    TEXT NOT NULL,
    household_id  TEXT NOT NULL,
    case_id       INTEGER GENERATED ALWAYS AS IDENTITY UNIQUE,
    PRIMARY KEY (project_id, household_id)
);

-- The guests table the pipeline reads for an HMIS export: one row per enrollment, the guests table's column names
-- and text labels, plus the pipeline's own predicted_exit_destination, kept across imports.
CREATE TABLE hmis_guests (
    enrollment_id                        TEXT PRIMARY KEY,
    personal_id                          INTEGER NOT NULL,
    enroll_date                          DATE    NOT NULL,
    exit_date                            DATE,
    exit_destination                     TEXT,
    case_id                              INTEGER,
    relationship_to_hoh                  TEXT,
    case_members                         INTEGER,
    case_adults                          INTEGER,
    case_children                        INTEGER,
    household_type                       TEXT,
    age_at_enrollment                    INTEGER,
    current_age                          INTEGER,
    under_25                             TEXT,
    ssn_quality                          TEXT,
    dob_quality                          TEXT,
    race                                 TEXT,
    ethnicity                            TEXT,
    gender                               TEXT,
    disabling_cond_at_entry              TEXT,
    covered_by_health_insurance          TEXT,
    client_record_restricted             BOOLEAN,
    inforeleaseno                        INTEGER,
    "non-cash_benefit_count"             INTEGER,
    barrier_count_at_entry               INTEGER,
    chronic_homeless_status              INTEGER,
    chronic_homeless_status_evaluation   INTEGER,
    length_of_time_homeless              INTEGER,
    earned_income                        NUMERIC(12,2),
    supplemental_security_income         NUMERIC(12,2),
    social_security_disability_income    NUMERIC(12,2),
    va_disability_compensation           NUMERIC(12,2),
    private_disability_income            NUMERIC(12,2),
    tanf                                 NUMERIC(12,2),
    general_assistance                   NUMERIC(12,2),
    child_support                        NUMERIC(12,2),
    other_income                         NUMERIC(12,2),
    predicted_exit_destination           VARCHAR
);
CREATE INDEX hmis_guests_key_idx ON hmis_guests (personal_id, enroll_date);

-- HUD 3.12 exit destinations (FY2024, unchanged in FY2026) as the guests table's exit_destination labels: the label
-- the intake app stored where it had one, else HUD's wording. 435 (rental with an ongoing subsidy) is told apart by
-- its subsidy type (3.12.A); subsidy_type 0 stands for any other subsidy or none given.
CREATE TABLE hmis_destination_labels (
    destination   INTEGER NOT NULL,
    subsidy_type  INTEGER NOT NULL DEFAULT 0,
    label         TEXT    NOT NULL,
    PRIMARY KEY (destination, subsidy_type)
);
INSERT INTO hmis_destination_labels (destination, subsidy_type, label) VALUES
    (101, 0, 'Emergency shelter, including hotel or motel paid for with emergency shelter voucher, or RHY-funded Host Home shelter'),
    (116, 0, 'Place not meant for habitation (e.g., a vehicle, an abandoned building, bus/train/subway station/airport or anywhere outside)'),
    (118, 0, 'Safe Haven'),
    (204, 0, 'Psychiatric Hospital or Other Psychiatric Facility'),
    (205, 0, 'Substance Abuse Treatment or Detox Center'),
    (206, 0, 'Hospital or other residential non-psychiatric medical facility'),
    (207, 0, 'Jail, prison or juvenile detention facility'),
    (215, 0, 'Foster Care Home or Foster Care Group Home'),
    (225, 0, 'Long-term care facility or nursing home'),
    (302, 0, 'Transitional Housing for homeless persons (including homeless youth)'),
    (312, 0, 'Staying or living with family, temporary tenure (e.g., room, apartment or house)'),
    (313, 0, 'Staying or living with friends, temporary tenure (e.g., room, apartment or house)'),
    (314, 0, 'Hotel or Motel paid for without Emergency Shelter Voucher'),
    (327, 0, 'Moved from one HOPWA funded project to HOPWA TH'),
    (329, 0, 'Residential project or halfway house with no homeless criteria'),
    (332, 0, 'Host Home (non-crisis)'),
    (410, 0, 'Rental by client, no ongoing housing subsidy'),
    (411, 0, 'Owned by client, no ongoing housing subsidy'),
    (421, 0, 'Owned by client, with ongoing housing subsidy'),
    (422, 0, 'Staying or living with family, permanent tenure'),
    (423, 0, 'Staying or living with friends, permanent tenure'),
    (426, 0, 'Moved from one HOPWA funded project to HOPWA PH'),
    (435, 0, 'Rental by client, other ongoing housing subsidy'),
    (435, 431, 'Rental by client with RRH or equivalent subsidy'),
    (435, 440, 'Permanent housing (other than RRH) for formerly homeless persons'),
    (8, 0, 'Client doesn''t know'),
    (9, 0, 'Client refused'),
    (17, 0, 'Other'),
    (24, 0, 'Deceased'),
    (30, 0, 'No exit interview completed'),
    (37, 0, 'Worker unable to determine'),
    (99, 0, 'Data not collected');
