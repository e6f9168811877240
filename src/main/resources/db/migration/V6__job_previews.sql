-- Live previews across nodes: an API node marks the jobs its clients watch (until a moment ahead, renewed while they
-- watch), and the worker running such a job saves its newest preview here, one row a job, for that node to relay.
ALTER TABLE jobs ADD COLUMN watched_until BIGINT NOT NULL DEFAULT 0;
CREATE TABLE job_previews (
    job_id  TEXT PRIMARY KEY REFERENCES jobs(id),
    attempt INTEGER NOT NULL,
    step    INTEGER NOT NULL,
    image   TEXT NOT NULL
);
