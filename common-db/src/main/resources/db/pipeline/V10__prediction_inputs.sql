-- What each prediction was made from (docs/architecture.md, "Tables"), so that a night re-scores only the guests
-- whose prediction would change: the feature specification, a hash of the encoded feature row predict read (under a
-- household specification every member of a household has the same row), and beside model_etag the S3 version id
-- of the model.txt that made it. Nullable: a row written before, or by an older update step, has no recorded inputs
-- and is predicted again at the next run.
ALTER TABLE ${guest_predictions_table}
    ADD COLUMN feature_spec_version TEXT,
    ADD COLUMN feature_hash         BIGINT,
    ADD COLUMN model_version        TEXT;
