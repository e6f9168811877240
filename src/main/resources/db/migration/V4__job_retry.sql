-- When a queued job may be claimed again: a job whose worker lost its lease waits out a backoff (Jobs.RETRY_BACKOFF_MILLIS).
ALTER TABLE jobs ADD COLUMN run_after BIGINT NOT NULL DEFAULT 0;
