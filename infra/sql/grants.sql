-- The database roles of exit-destination-refresh, with least privilege (README.md, "The database roles").
--
-- Run it with psql as a role that owns the guests table (or is a member of its owner) and may create roles, e.g.
-- the RDS master user, in the intake app's database:
--
--   psql "host=$DB_HOST dbname=$DB_NAME user=postgres sslmode=require" -v ON_ERROR_STOP=1 \
--        -v pipeline_role=exit_destination -v setup_role=exit_destination_setup \
--        -v guests_schema=public -v guests_table=guests -v pipeline_schema=public \
--        -f infra/sql/grants.sql
--
-- It is idempotent: run it once before the first `local-runner setup` (it creates the role setup runs as), and
-- again after every `setup` (it grants the functions' role its rights on the tables setup made).
--
-- pipeline_role    the functions' role (the username in the secret). It reads the key, exit_date, the prediction
--                  and the feature source columns of the guests table (never names, SSN, date of birth, ...), writes
--                  predicted_exit_destination only, creates temporary tables (update-db-step's COPY target), and
--                  reads and writes the pipeline's own tables. It has no CREATE anywhere: a steady-state run
--                  creates nothing, so its role cannot change the schema.
-- setup_role       runs `local-runner setup` (the Flyway migrations in common-db/src/main/resources/db/pipeline)
--                  and owns the pipeline's own tables: CREATE on pipeline_schema and nothing on the guests table.
--                  Give the name of an existing role (the master user) to run setup as that one instead.
-- guests_schema, guests_table   the intake app's table (GUESTS_TABLE is guests_schema.guests_table).
-- pipeline_schema  where setup creates the pipeline's tables: the first schema of the setup role's search_path
--                  (public unless you changed it), which the functions' role must find on its search_path too.
--
-- Neither role gets a password here: set one in psql with \password <role>, and put the functions' role's in the
-- secret the stack reads (DbSecretArn).
--
-- On PostgreSQL 14 and older every role may create objects in schema public (PUBLIC holds CREATE there): the
-- functions' role then has CREATE without needing it. `REVOKE CREATE ON SCHEMA public FROM PUBLIC` closes that for
-- every role that was not granted it explicitly; check that the intake app does not rely on it first.

-- psql's variables, once, into settings the block below reads (psql does not interpolate inside a DO block).
SET exit_destination.pipeline_role = :'pipeline_role';
SET exit_destination.setup_role = :'setup_role';
SET exit_destination.guests_schema = :'guests_schema';
SET exit_destination.guests_table = :'guests_table';
SET exit_destination.pipeline_schema = :'pipeline_schema';

-- Adding the column takes a short ACCESS EXCLUSIVE lock on the guests table: wait briefly, never queue the intake
-- app's queries behind it for long.
SET lock_timeout = '10s';

DO $grants$
DECLARE
    pipeline_role   text := current_setting('exit_destination.pipeline_role');
    setup_role      text := current_setting('exit_destination.setup_role');
    guests_schema   text := current_setting('exit_destination.guests_schema');
    pipeline_schema text := current_setting('exit_destination.pipeline_schema');
    guests          text := format('%I.%I', guests_schema, current_setting('exit_destination.guests_table'));
    -- What the steps read of the guests table: the key, exit_date, the prediction (remove and update compare it
    -- before they write), exit_destination (remove keeps it with a leaving guest's outcome), case_id (update ranks
    -- households, wrangle's drift counts them) and the source columns of feature specifications v1 and v3 (read by
    -- wrangle; v3's household aggregates read length_of_time_homeless beside v1's columns).
    read_columns    text[] := ARRAY[
        'personal_id', 'enroll_date', 'exit_date', 'predicted_exit_destination', 'exit_destination', 'case_id',
        'case_members', 'age_at_enrollment', 'current_age', 'client_record_restricted', 'inforeleaseno',
        'non-cash_benefit_count', 'barrier_count_at_entry', 'chronic_homeless_status', 'under_25', 'case_children',
        'case_adults', 'earned_income', 'supplemental_security_income', 'social_security_disability_income',
        'va_disability_compensation', 'private_disability_income', 'tanf', 'general_assistance', 'child_support',
        'other_income', 'chronic_homeless_status_evaluation', 'relationship_to_hoh', 'ssn_quality', 'dob_quality',
        'race', 'ethnicity', 'gender', 'disabling_cond_at_entry', 'covered_by_health_insurance', 'household_type',
        'length_of_time_homeless'];
    -- The pipeline's own tables (the migrations') and what the steps do with each: one line per table. A renamed
    -- guest_predictions (GUEST_PREDICTIONS_TABLE) is renamed here too.
    pipeline_tables CONSTANT text[][] := ARRAY[
        -- DELETE: a failed run started again first removes its earlier attempt's update records.
        ['prediction_runs', 'SELECT, INSERT, UPDATE, DELETE'],
        -- Each step's last heartbeat of a run (what tells a stalled run).
        ['run_heartbeats', 'SELECT, INSERT, UPDATE'],
        ['guest_predictions', 'SELECT, INSERT, UPDATE'],
        -- remove keeps a leaving guest's last prediction; UPDATE: a guest whose exit was cleared and who left again;
        -- DELETE: an outcome whose exit was cleared (a re-entry) is withdrawn.
        ['prediction_outcomes', 'SELECT, INSERT, UPDATE, DELETE'],
        -- The realised figures per model and month (read by `local-runner report`).
        ['prediction_outcome_months', 'SELECT'],
        -- An HMIS export's import (docs/hmis-import.md), written by `local-runner import-hmis` as the setup role: the
        -- functions read none of these ('' grants nothing; hmis_clients holds dates of birth).
        ['hmis_exports', ''],
        ['hmis_projects', ''],
        ['hmis_clients', ''],
        ['hmis_enrollments', ''],
        ['hmis_exits', ''],
        ['hmis_income_benefits', ''],
        ['hmis_disabilities', ''],
        ['hmis_person_keys', ''],
        ['hmis_household_keys', ''],
        ['hmis_destination_labels', ''],
        -- The guests table made from the import (GUESTS_TABLE=hmis_guests): read, and its prediction written.
        ['hmis_guests', 'SELECT, UPDATE (predicted_exit_destination)']
    ];
    -- The views of the current guests by risk (CURRENT_GUEST_RISK_VIEW) and of the current households beside it
    -- (current_household_risk): read only; `local-runner run --step all` prints the households most at risk from the
    -- second, as the functions' role. A renamed view is renamed here too.
    risk_views      CONSTANT text[] := ARRAY['current_guest_risk', 'current_household_risk'];
    risk_view       text;
    -- Flyway's record of the migrations: the setup role's alone.
    history_table   CONSTANT text := 'exit_destination_schema_history';
    pipeline_table  text;
    rights          text;
    qualified       text;
BEGIN
    -- The roles.
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = setup_role) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', setup_role);
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = pipeline_role) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', pipeline_role);
    END IF;

    -- The database: connect, and temporary tables for the functions.
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), setup_role);
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), pipeline_role);

    -- The schemas: the setup role creates the pipeline's tables; the functions' role only finds objects.
    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO %I', pipeline_schema, setup_role);
    EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM %I', pipeline_schema, pipeline_role);
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', pipeline_schema, pipeline_role);
    EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM %I', guests_schema, pipeline_role);
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', guests_schema, pipeline_role);

    -- The one-time extra: the column the pipeline writes. remove-exited-predictions adds it only when it is missing,
    -- and adding a column needs the table's owner; adding it here, as the owner, spares the functions' role that.
    -- (To let the first run add it instead: GRANT <the guests table's owner> TO <pipeline_role> before that run, and
    -- REVOKE it after.)
    IF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = guests::regclass
                   AND attname = 'predicted_exit_destination' AND NOT attisdropped) THEN
        EXECUTE format('ALTER TABLE %s ADD COLUMN predicted_exit_destination VARCHAR', guests);
        RAISE NOTICE 'added predicted_exit_destination to %', guests;
    END IF;

    -- The guests table: exactly these columns, whatever the role held before.
    EXECUTE format('REVOKE ALL ON %s FROM %I', guests, pipeline_role);
    EXECUTE format('GRANT SELECT (%s) ON %s TO %I',
                   (SELECT string_agg(quote_ident(c), ', ') FROM unnest(read_columns) AS c), guests, pipeline_role);
    EXECUTE format('GRANT UPDATE (predicted_exit_destination) ON %s TO %I', guests, pipeline_role);

    -- The setup role owns the views over the guests table (current_guest_risk, current_household_risk); a view reads
    -- the table with its owner's rights, so the owner may read what the views use: the key, the household, its head
    -- and whether a guest left.
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', guests_schema, setup_role);
    EXECUTE format('GRANT SELECT (personal_id, enroll_date, exit_date, case_id, relationship_to_hoh) ON %s TO %I',
                   guests, setup_role);

    -- The pipeline's own tables belong to the setup role (before the migrations, the functions created
    -- prediction_runs themselves, as their own); the functions' role gets what the steps do with each.
    FOR i IN 1 .. array_length(pipeline_tables, 1) LOOP
        pipeline_table := pipeline_tables[i][1];
        rights := pipeline_tables[i][2];
        qualified := format('%I.%I', pipeline_schema, pipeline_table);
        IF to_regclass(qualified) IS NULL THEN
            RAISE NOTICE '% does not exist yet: run `local-runner setup` as %, then this script again',
                qualified, setup_role;
            CONTINUE;
        END IF;
        IF (SELECT relowner FROM pg_class WHERE oid = qualified::regclass)
                <> (SELECT oid FROM pg_roles WHERE rolname = setup_role) THEN
            EXECUTE format('ALTER TABLE %s OWNER TO %I', qualified, setup_role);
        END IF;
        EXECUTE format('REVOKE ALL ON %s FROM %I', qualified, pipeline_role);
        IF rights <> '' THEN
            EXECUTE format('GRANT %s ON %s TO %I', rights, qualified, pipeline_role);
        END IF;
    END LOOP;
    -- setup makes the views again each time (they depend on the guests table), which drops their grants: hence this
    -- script after every setup.
    FOREACH risk_view IN ARRAY risk_views LOOP
        qualified := format('%I.%I', pipeline_schema, risk_view);
        IF to_regclass(qualified) IS NULL THEN
            RAISE NOTICE '% does not exist yet: run `local-runner setup` as % (with the guests table), then this again',
                qualified, setup_role;
        ELSE
            EXECUTE format('REVOKE ALL ON %s FROM %I', qualified, pipeline_role);
            EXECUTE format('GRANT SELECT ON %s TO %I', qualified, pipeline_role);
        END IF;
    END LOOP;
    qualified := format('%I.%I', pipeline_schema, history_table);
    IF to_regclass(qualified) IS NOT NULL THEN
        IF (SELECT relowner FROM pg_class WHERE oid = qualified::regclass)
                <> (SELECT oid FROM pg_roles WHERE rolname = setup_role) THEN
            EXECUTE format('ALTER TABLE %s OWNER TO %I', qualified, setup_role);
        END IF;
        EXECUTE format('REVOKE ALL ON %s FROM %I', qualified, pipeline_role);
    END IF;
END
$grants$;
