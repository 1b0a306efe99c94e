-- What a case worker ranks and reads (docs/architecture.md, "Tables"): each guest's risk of not exiting to permanent
-- housing (1 - p_perm), its percentile among the current guests of the run that wrote it (100 = most at risk, set
-- when the run is complete), and the reasons (jsonb, shape in Reasons). Nullable, so an older update step keeps
-- writing; the rows written before are given their risk here.
ALTER TABLE ${guest_predictions_table}
    ADD COLUMN risk            DOUBLE PRECISION,
    ADD COLUMN risk_percentile NUMERIC(5, 2),
    ADD COLUMN reasons         JSONB;

UPDATE ${guest_predictions_table} SET risk = 1 - p_perm;
