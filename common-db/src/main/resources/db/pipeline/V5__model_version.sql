-- The S3 version id of the model.txt that made a part's predictions (docs/architecture.md, "Tables"): update records it
-- on the part's row beside the model's ETag, so a run names the exact model object, and rolling back to it is one copy
-- of that version (README, "Roll back a model"). NULL where the bucket is not versioned.
ALTER TABLE prediction_runs ADD COLUMN IF NOT EXISTS model_version TEXT;
