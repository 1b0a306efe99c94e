-- hmis_guests from the import tables: one row per enrollment, in the guests table's columns and text labels
-- (docs/hmis-import.md, "Mapping"). Ages are whole years; the export's end date decides who is current and its
-- export date is the guests table's current_date; a household is (ProjectID, HouseholdID); the entry record of an
-- assessment file is its DataCollectionStage 1 row, on the entry date if there is one, else the latest updated.
WITH export AS (
    SELECT export_date::date AS export_day, export_end_date
    FROM hmis_exports ORDER BY import_id DESC LIMIT 1
),
income AS (
    SELECT DISTINCT ON (i.enrollment_id) i.*
    FROM hmis_income_benefits i JOIN hmis_enrollments e USING (enrollment_id)
    WHERE i.data_collection_stage = 1
    ORDER BY i.enrollment_id, (i.information_date = e.entry_date) DESC, i.date_updated DESC NULLS LAST,
             i.income_benefits_id
),
disability AS (
    SELECT DISTINCT ON (d.enrollment_id, d.disability_type) d.enrollment_id, d.disability_type, d.disability_response
    FROM hmis_disabilities d JOIN hmis_enrollments e USING (enrollment_id)
    WHERE d.data_collection_stage = 1
    ORDER BY d.enrollment_id, d.disability_type, (d.information_date = e.entry_date) DESC,
             d.date_updated DESC NULLS LAST, d.disabilities_id
),
barriers AS (
    -- The guests' seven barriers: physical, developmental, chronic health, HIV/AIDS, mental health, alcohol, drugs.
    SELECT enrollment_id,
           count(*) FILTER (WHERE disability_type BETWEEN 5 AND 9 AND disability_response = 1)
           + count(*) FILTER (WHERE disability_type = 10 AND disability_response IN (1, 3))
           + count(*) FILTER (WHERE disability_type = 10 AND disability_response IN (2, 3)) AS barrier_count
    FROM disability GROUP BY enrollment_id
),
leaving AS (
    SELECT DISTINCT ON (x.enrollment_id) x.enrollment_id, x.exit_date, x.destination, x.destination_subsidy_type
    FROM hmis_exits x CROSS JOIN export
    WHERE x.exit_date <= export.export_end_date
    ORDER BY x.enrollment_id, x.exit_date DESC, x.exit_id
),
enrolled AS (
    SELECT e.enrollment_id, e.project_id, e.household_id, e.entry_date, e.relationship_to_hoh,
           e.disabling_condition, e.date_to_street_essh, e.times_homeless_past_three_years,
           e.months_homeless_past_three_years, p.project_type, c.*,
           date_part('year', age(e.entry_date, c.dob))::int AS age_at_entry,
           date_part('year', age(export.export_day, c.dob))::int AS age_now,
           l.exit_date, l.destination, l.destination_subsidy_type,
           i.income_benefits_id IS NOT NULL AS has_income_record, i.earned, i.earned_amount, i.ssi, i.ssi_amount,
           i.ssdi, i.ssdi_amount, i.va_disability_service, i.va_disability_service_amount, i.private_disability,
           i.private_disability_amount, i.tanf, i.tanf_amount, i.ga, i.ga_amount, i.child_support,
           i.child_support_amount, i.other_income_source, i.other_income_amount, i.snap, i.wic, i.tanf_child_care,
           i.tanf_transportation, i.other_tanf, i.other_benefits_source, i.insurance_from_any_source,
           coalesce(b.barrier_count, 0) AS barrier_count
    FROM hmis_enrollments e
    JOIN hmis_clients c ON c.personal_id = e.personal_id
    CROSS JOIN export
    LEFT JOIN hmis_projects p ON p.project_id = e.project_id
    LEFT JOIN leaving l ON l.enrollment_id = e.enrollment_id
    LEFT JOIN income i ON i.enrollment_id = e.enrollment_id
    LEFT JOIN barriers b ON b.enrollment_id = e.enrollment_id
),
members AS (
    SELECT en.*,
           count(*) OVER h AS members,
           count(*) FILTER (WHERE age_at_entry >= 18) OVER h AS adults,
           count(*) FILTER (WHERE age_at_entry < 18) OVER h AS children,
           count(age_at_entry) OVER h AS with_age,
           max(age_at_entry) OVER h AS oldest,
           (white + black_af_american + am_ind_ak_native + native_hi_pacific + asian + mid_east_n_african) AS races,
           -- HUD's chronic homelessness in brief: homeless a year, or four times and twelve months in three years,
           -- with a disabling condition, entering a shelter, Safe Haven or street outreach project.
           CASE WHEN disabling_condition = 1
                     AND project_type IN (0, 1, 4, 8)
                     AND (entry_date - date_to_street_essh >= 365
                          OR (times_homeless_past_three_years = 4
                              AND months_homeless_past_three_years IN (112, 113)))
                THEN 1 ELSE 0 END AS chronic
    FROM enrolled en
    WINDOW h AS (PARTITION BY project_id, household_id)
)
INSERT INTO hmis_guests AS g (
    enrollment_id, personal_id, enroll_date, exit_date, exit_destination, case_id, relationship_to_hoh,
    case_members, case_adults, case_children, household_type, age_at_enrollment, current_age, under_25,
    ssn_quality, dob_quality, race, ethnicity, gender, disabling_cond_at_entry, covered_by_health_insurance,
    client_record_restricted, inforeleaseno, "non-cash_benefit_count", barrier_count_at_entry,
    chronic_homeless_status, chronic_homeless_status_evaluation, length_of_time_homeless, earned_income,
    supplemental_security_income, social_security_disability_income, va_disability_compensation,
    private_disability_income, tanf, general_assistance, child_support, other_income)
SELECT m.enrollment_id, pk.personal_id, m.entry_date, m.exit_date,
       CASE WHEN m.exit_date IS NOT NULL THEN coalesce(dl.label, dl_any.label) END,
       hk.case_id,
       CASE m.relationship_to_hoh
            WHEN 1 THEN 'Self'
            WHEN 2 THEN CASE WHEN m.sex = 1 OR (m.man = 1 AND m.woman = 0) THEN 'Son'
                             WHEN m.sex = 0 OR (m.woman = 1 AND m.man = 0) THEN 'Daughter'
                             ELSE 'Dependent Child' END
            WHEN 3 THEN 'Spouse'
            WHEN 4 THEN 'Other Family Member'
            WHEN 5 THEN 'Other Non-Family' END,
       m.members, m.adults, m.children,
       CASE WHEN m.children > 0 AND m.oldest >= 18 THEN 'Household with Adults and Children'
            WHEN m.with_age = m.members AND m.children = 0 THEN 'Household without Children'
            WHEN m.with_age = m.members AND m.adults = 0 THEN 'Household with Only Children' END,
       m.age_at_entry, m.age_now,
       CASE WHEN m.age_at_entry < 25 THEN 'Yes' WHEN m.age_at_entry >= 25 THEN 'No' END,
       CASE m.ssn_data_quality WHEN 1 THEN 'Full SSN' WHEN 2 THEN 'Approximate or partial SSN reported'
            WHEN 8 THEN 'Client doesn''t know' WHEN 9 THEN 'Client Refused' WHEN 99 THEN 'Data not collected' END,
       CASE m.dob_data_quality WHEN 1 THEN 'Full DOB Reported' WHEN 2 THEN 'Approximate or Partial DOB Reported' END,
       CASE WHEN m.races >= 2 THEN 'Multi-Racial'
            WHEN m.white = 1 THEN 'White'
            WHEN m.black_af_american = 1 THEN 'Black or African American'
            WHEN m.am_ind_ak_native = 1 THEN 'American Indian or Alaska Native'
            WHEN m.native_hi_pacific = 1 THEN 'Native Hawaiian or Other Pacific Islander'
            WHEN m.asian = 1 THEN 'Asian'
            WHEN m.mid_east_n_african = 1 THEN 'Middle Eastern or North African'
            WHEN m.race_none = 8 THEN 'Client doesn''t know'
            WHEN m.race_none = 9 THEN 'Client refused'
            WHEN m.race_none = 99 THEN 'Data not collected' END,
       CASE m.hispanic_latinaeo WHEN 1 THEN 'Hispanic/Latino' WHEN 0 THEN 'Non-Hispanic/Latino' END,
       CASE WHEN m.transgender = 1 AND m.man = 1 THEN 'Trans Male (FTM or Female to Male)'
            WHEN m.transgender = 1 AND m.woman = 1 THEN 'Trans Female (MTF or Male to Female)'
            WHEN m.non_binary = 1 THEN 'Gender Non-Conforming (i.e. not exclusively male or female)'
            WHEN m.woman = 1 OR m.sex = 0 THEN 'Female'
            WHEN m.man = 1 OR m.sex = 1 THEN 'Male'
            WHEN coalesce(m.gender_none, m.sex) = 8 THEN 'Client doesn''t know'
            WHEN coalesce(m.gender_none, m.sex) = 9 THEN 'Client refused'
            WHEN coalesce(m.gender_none, m.sex) = 99 THEN 'Data not collected' END,
       CASE m.disabling_condition WHEN 0 THEN 'No' WHEN 1 THEN 'Yes' WHEN 8 THEN 'Client doesnt know'
            WHEN 9 THEN 'Client refused' WHEN 99 THEN 'Data not collected' ELSE 'Missing' END,
       CASE m.insurance_from_any_source WHEN 0 THEN 'No' WHEN 1 THEN 'Yes' WHEN 8 THEN 'Client doesn''t know'
            WHEN 9 THEN 'Client refused' WHEN 99 THEN 'Data Not Collected' END,
       NULL, NULL,
       CASE WHEN m.has_income_record THEN
            (m.snap = 1)::int + (m.wic = 1)::int + (m.tanf_child_care = 1)::int + (m.tanf_transportation = 1)::int
            + (m.other_tanf = 1)::int + (m.other_benefits_source = 1)::int END,
       m.barrier_count, m.chronic, m.chronic,
       m.entry_date - m.date_to_street_essh,
       CASE WHEN m.earned = 1 THEN coalesce(m.earned_amount, 0) ELSE 0 END,
       CASE WHEN m.ssi = 1 THEN coalesce(m.ssi_amount, 0) ELSE 0 END,
       CASE WHEN m.ssdi = 1 THEN coalesce(m.ssdi_amount, 0) ELSE 0 END,
       CASE WHEN m.va_disability_service = 1 THEN coalesce(m.va_disability_service_amount, 0) ELSE 0 END,
       CASE WHEN m.private_disability = 1 THEN coalesce(m.private_disability_amount, 0) ELSE 0 END,
       CASE WHEN m.tanf = 1 THEN coalesce(m.tanf_amount, 0) ELSE 0 END,
       CASE WHEN m.ga = 1 THEN coalesce(m.ga_amount, 0) ELSE 0 END,
       CASE WHEN m.child_support = 1 THEN coalesce(m.child_support_amount, 0) ELSE 0 END,
       CASE WHEN m.other_income_source = 1 THEN coalesce(m.other_income_amount, 0) ELSE 0 END
FROM members m
JOIN hmis_person_keys pk ON pk.hmis_personal_id = m.personal_id
JOIN hmis_household_keys hk ON hk.project_id = m.project_id AND hk.household_id = m.household_id
LEFT JOIN hmis_destination_labels dl
       ON dl.destination = m.destination AND dl.subsidy_type = coalesce(m.destination_subsidy_type, 0)
LEFT JOIN hmis_destination_labels dl_any ON dl_any.destination = m.destination AND dl_any.subsidy_type = 0
ON CONFLICT (enrollment_id) DO UPDATE SET
    personal_id = EXCLUDED.personal_id, enroll_date = EXCLUDED.enroll_date, exit_date = EXCLUDED.exit_date,
    exit_destination = EXCLUDED.exit_destination, case_id = EXCLUDED.case_id,
    relationship_to_hoh = EXCLUDED.relationship_to_hoh, case_members = EXCLUDED.case_members,
    case_adults = EXCLUDED.case_adults, case_children = EXCLUDED.case_children,
    household_type = EXCLUDED.household_type, age_at_enrollment = EXCLUDED.age_at_enrollment,
    current_age = EXCLUDED.current_age, under_25 = EXCLUDED.under_25, ssn_quality = EXCLUDED.ssn_quality,
    dob_quality = EXCLUDED.dob_quality, race = EXCLUDED.race, ethnicity = EXCLUDED.ethnicity,
    gender = EXCLUDED.gender, disabling_cond_at_entry = EXCLUDED.disabling_cond_at_entry,
    covered_by_health_insurance = EXCLUDED.covered_by_health_insurance,
    client_record_restricted = EXCLUDED.client_record_restricted, inforeleaseno = EXCLUDED.inforeleaseno,
    "non-cash_benefit_count" = EXCLUDED."non-cash_benefit_count",
    barrier_count_at_entry = EXCLUDED.barrier_count_at_entry,
    chronic_homeless_status = EXCLUDED.chronic_homeless_status,
    chronic_homeless_status_evaluation = EXCLUDED.chronic_homeless_status_evaluation,
    length_of_time_homeless = EXCLUDED.length_of_time_homeless, earned_income = EXCLUDED.earned_income,
    supplemental_security_income = EXCLUDED.supplemental_security_income,
    social_security_disability_income = EXCLUDED.social_security_disability_income,
    va_disability_compensation = EXCLUDED.va_disability_compensation,
    private_disability_income = EXCLUDED.private_disability_income, tanf = EXCLUDED.tanf,
    general_assistance = EXCLUDED.general_assistance, child_support = EXCLUDED.child_support,
    other_income = EXCLUDED.other_income
-- A row the import does not change is not written again.
WHERE (g.personal_id, g.enroll_date, g.exit_date, g.exit_destination, g.case_id, g.relationship_to_hoh, g.case_members, g.case_adults, g.case_children, g.household_type, g.age_at_enrollment, g.current_age, g.under_25, g.ssn_quality, g.dob_quality, g.race, g.ethnicity, g.gender, g.disabling_cond_at_entry, g.covered_by_health_insurance, g.client_record_restricted, g.inforeleaseno, g."non-cash_benefit_count", g.barrier_count_at_entry, g.chronic_homeless_status, g.chronic_homeless_status_evaluation, g.length_of_time_homeless, g.earned_income, g.supplemental_security_income, g.social_security_disability_income, g.va_disability_compensation, g.private_disability_income, g.tanf, g.general_assistance, g.child_support, g.other_income)
    IS DISTINCT FROM (EXCLUDED.personal_id, EXCLUDED.enroll_date, EXCLUDED.exit_date, EXCLUDED.exit_destination, EXCLUDED.case_id, EXCLUDED.relationship_to_hoh, EXCLUDED.case_members, EXCLUDED.case_adults, EXCLUDED.case_children, EXCLUDED.household_type, EXCLUDED.age_at_enrollment, EXCLUDED.current_age, EXCLUDED.under_25, EXCLUDED.ssn_quality, EXCLUDED.dob_quality, EXCLUDED.race, EXCLUDED.ethnicity, EXCLUDED.gender, EXCLUDED.disabling_cond_at_entry, EXCLUDED.covered_by_health_insurance, EXCLUDED.client_record_restricted, EXCLUDED.inforeleaseno, EXCLUDED."non-cash_benefit_count", EXCLUDED.barrier_count_at_entry, EXCLUDED.chronic_homeless_status, EXCLUDED.chronic_homeless_status_evaluation, EXCLUDED.length_of_time_homeless, EXCLUDED.earned_income, EXCLUDED.supplemental_security_income, EXCLUDED.social_security_disability_income, EXCLUDED.va_disability_compensation, EXCLUDED.private_disability_income, EXCLUDED.tanf, EXCLUDED.general_assistance, EXCLUDED.child_support, EXCLUDED.other_income)
