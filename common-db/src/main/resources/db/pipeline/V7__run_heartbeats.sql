-- When each step of a run was last seen, and until when its invocation may run (docs/architecture.md, "Tables").
--
-- A step writes its row as it starts work on a run: wrangle (part '') once the run is started, update once per
-- predictions part (part = the part's key). deadline_at is the end of the invocation: Lambda's remaining time, or,
-- for the local runner, which has none, seen_at plus the longest a Lambda invocation may run. A step whose work is
-- not finished (the run still started, or the part not applied) when its deadline_at has passed, with no step of the
-- run still within its own, stopped without a word: the run is stalled (RunStatus). Rows of an earlier attempt of a
-- run are older than its started_at and are ignored.
CREATE TABLE run_heartbeats (
    run_id       TEXT        NOT NULL,
    step         TEXT        NOT NULL,
    part         TEXT        NOT NULL DEFAULT '',
    seen_at      TIMESTAMPTZ NOT NULL,
    deadline_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, step, part)
);
