-- IF NOT EXISTS: deployments from before the migrations created this table on every invocation; it is adopted.
-- The pipeline's own record of its work: one row per step of a run, or per part for the steps that work on
-- S3 parts (predict, update-db).
-- The primary key (run_id, step, part) is what makes a re-delivered S3 event detectable: applying a part
-- again finds its row. A primary key column cannot be NULL, so a step that does not work per part records
-- part = '' (the default) rather than NULL; a per-part step records the part's S3 key.
CREATE TABLE IF NOT EXISTS prediction_runs (
    run_id       TEXT        NOT NULL,
    step         TEXT        NOT NULL,
    part         TEXT        NOT NULL DEFAULT '',
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    rows         BIGINT,
    model        TEXT,
    status       TEXT        NOT NULL,
    details      JSONB,
    PRIMARY KEY (run_id, step, part)
);
