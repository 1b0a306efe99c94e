-- The current guests ranked by risk, with their household and reasons: what an intake app or a report reads
-- (CURRENT_GUEST_RISK_VIEW; docs/architecture.md, "Tables"). Repeatable: applied again whenever this text or what
-- it is given (the tables' names, the guests table's key date expression) changes. A guest leaves the view once
-- their exit date is set; remove marks them exited at its next run.
DROP VIEW IF EXISTS ${current_guest_risk_view};

CREATE VIEW ${current_guest_risk_view} AS
SELECT g.personal_id,
       p.enroll_date,
       g.case_id AS household,
       p.risk,
       p.risk_percentile,
       p.predicted_exit_destination,
       p.reasons,
       p.model,
       p.run_id,
       p.updated_at
FROM ${guest_predictions_table} p
JOIN ${guests_table} g ON g.personal_id = p.personal_id AND ${guest_key_date} = p.enroll_date
WHERE g.exit_date IS NULL
ORDER BY p.risk DESC, g.personal_id, p.enroll_date;
