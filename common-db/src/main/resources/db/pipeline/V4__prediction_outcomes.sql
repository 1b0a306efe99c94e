-- Did the predictions come true? (docs/architecture.md, "Tables".)
--
-- One row per guest key: when remove marks a guest exited, in the same transaction it keeps the guest's last
-- prediction from ${guest_predictions_table} beside where the guest went. Guests who never had a prediction get no row.
-- A guest whose exit date is cleared, who is predicted again while current and then exits again, has the row replaced
-- by the later exit and the prediction before it: clearing an exit withdraws it, so only the exit that stands counts.
-- actual_class is the class the exit destination maps to (ExitDestinationClasses); NULL when the guest left without a
-- destination or with one the mapping does not know: such rows are kept but measure nothing.
CREATE TABLE prediction_outcomes (
    personal_id                 BIGINT           NOT NULL,
    enroll_date                 DATE             NOT NULL,
    exit_date                   DATE             NOT NULL,
    exit_destination            TEXT,
    actual_class                TEXT,
    predicted_exit_destination  TEXT             NOT NULL,
    p_es                        DOUBLE PRECISION NOT NULL,
    p_other                     DOUBLE PRECISION NOT NULL,
    p_perm                      DOUBLE PRECISION NOT NULL,
    p_temp                      DOUBLE PRECISION NOT NULL,
    p_unknown                   DOUBLE PRECISION NOT NULL,
    -- The chance of not reaching permanent housing: 1 - p_perm.
    risk                        DOUBLE PRECISION NOT NULL,
    model                       TEXT,
    model_etag                  TEXT,
    run_id                      TEXT             NOT NULL,
    -- The remove run that recorded the exit.
    recorded_by_run             TEXT             NOT NULL,
    recorded_at                 TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (personal_id, enroll_date)
);

CREATE INDEX prediction_outcomes_model_exit ON prediction_outcomes (model, exit_date);

-- Realised accuracy, macro F1 and multiclass Brier score per model and month of exit, over the outcomes with a class;
-- the same definitions as training's held-out figures (HeldOutAnalysis): F1 = 2TP / (2TP + FP + FN), 0 for a class
-- neither present nor predicted, averaged over the five classes; Brier = mean over guests of
-- sum over classes of (p_class - 1[actual = class])^2 (0 best, 2 worst).
CREATE VIEW prediction_outcome_months AS
WITH measured AS (
    SELECT model, date_trunc('month', exit_date)::date AS exit_month, actual_class, predicted_exit_destination,
           (p_es - (actual_class = 'es')::int) ^ 2 + (p_other - (actual_class = 'other')::int) ^ 2
               + (p_perm - (actual_class = 'perm')::int) ^ 2 + (p_temp - (actual_class = 'temp')::int) ^ 2
               + (p_unknown - (actual_class = 'unknown')::int) ^ 2 AS brier
    FROM prediction_outcomes
    WHERE actual_class IS NOT NULL
),
per_class AS (
    SELECT m.model, m.exit_month, c.label,
           count(*) FILTER (WHERE m.predicted_exit_destination = c.label AND m.actual_class = c.label) AS true_positives,
           count(*) FILTER (WHERE m.predicted_exit_destination = c.label) AS predicted,
           count(*) FILTER (WHERE m.actual_class = c.label) AS actual
    FROM measured m
    CROSS JOIN (VALUES ('es'), ('other'), ('perm'), ('temp'), ('unknown')) AS c (label)
    GROUP BY m.model, m.exit_month, c.label
),
macro AS (
    SELECT model, exit_month,
           avg(CASE WHEN predicted + actual = 0 THEN 0 ELSE 2.0 * true_positives / (predicted + actual) END)
               AS macro_f1
    FROM per_class
    GROUP BY model, exit_month
)
SELECT m.model, m.exit_month, count(*) AS guests,
       avg((m.predicted_exit_destination = m.actual_class)::int)::double precision AS accuracy,
       max(x.macro_f1)::double precision AS macro_f1,
       avg(m.brier)::double precision AS brier
FROM measured m
JOIN macro x ON x.model IS NOT DISTINCT FROM m.model AND x.exit_month = m.exit_month
GROUP BY m.model, m.exit_month;
