-- A run's lifecycle and each guest's latest prediction (docs/architecture.md, "Tables").
--
-- The run's own row in prediction_runs is (run_id, 'wrangle', ''): status started -> wrangled -> complete, or failed;
-- started_at is the database's clock when the wrangle began reading, and it orders runs. parts is the manifest's part
-- count, set when the run is wrangled; completed_at when update applied the last of them. An update row's content_id
-- is the ETag of the predictions part it applied, so a part rewritten under the same key is told from a re-delivery.
ALTER TABLE prediction_runs ADD COLUMN IF NOT EXISTS parts INTEGER;
ALTER TABLE prediction_runs ADD COLUMN IF NOT EXISTS completed_at TIMESTAMPTZ;
ALTER TABLE prediction_runs ADD COLUMN IF NOT EXISTS content_id TEXT;

-- One row per guest key: the prediction the guests table shows, with what made it. A part overwrites a guest's row
-- only when its run started after the run that wrote it (run_started_at, run_id compared as a pair). The key is the
-- key date rule's: enroll_date as a date (the date in UTC of a timestamp). Later migrations add columns (a risk
-- score, its percentile, reasons) and views over it; columns are added with defaults, so older steps keep writing.
CREATE TABLE ${guest_predictions_table} (
    personal_id                 BIGINT           NOT NULL,
    enroll_date                 DATE             NOT NULL,
    run_id                      TEXT             NOT NULL,
    run_started_at              TIMESTAMPTZ      NOT NULL,
    model                       TEXT,
    model_etag                  TEXT,
    predicted_exit_destination  TEXT             NOT NULL,
    p_es                        DOUBLE PRECISION NOT NULL,
    p_other                     DOUBLE PRECISION NOT NULL,
    p_perm                      DOUBLE PRECISION NOT NULL,
    p_temp                      DOUBLE PRECISION NOT NULL,
    p_unknown                   DOUBLE PRECISION NOT NULL,
    updated_at                  TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (personal_id, enroll_date)
);
