-- Kineto's schema. Portable SQL (SQLite and PostgreSQL): text ids made in Java, times as epoch milliseconds, flags as 0/1.

CREATE TABLE users (
    id             VARCHAR(40)  PRIMARY KEY,
    name           VARCHAR(64)  NOT NULL UNIQUE,
    tier           VARCHAR(8)   NOT NULL,           -- 'paid' jobs are claimed before 'free' ones
    is_admin       INTEGER      NOT NULL DEFAULT 0,
    credits        BIGINT       NOT NULL DEFAULT 0, -- purchased balance, spent after the daily free allowance
    free_day       VARCHAR(10)  NOT NULL DEFAULT '',-- UTC day that free_used counts for
    free_used      BIGINT       NOT NULL DEFAULT 0,
    webhook_secret VARCHAR(80)  NOT NULL,
    last_served_at BIGINT       NOT NULL DEFAULT 0, -- when a worker last took one of their jobs (fair share)
    created_at     BIGINT       NOT NULL
);

CREATE TABLE api_keys (
    hash       CHAR(64)    PRIMARY KEY,             -- SHA-256 of the key; the key itself is never stored
    user_id    VARCHAR(40) NOT NULL REFERENCES users (id),
    created_at BIGINT      NOT NULL
);

CREATE TABLE sessions (
    hash       CHAR(64)    PRIMARY KEY,             -- SHA-256 of the studio's session cookie
    user_id    VARCHAR(40) NOT NULL REFERENCES users (id),
    expires_at BIGINT      NOT NULL
);

CREATE TABLE jobs (
    id              VARCHAR(40)      PRIMARY KEY,
    user_id         VARCHAR(40)      NOT NULL REFERENCES users (id),
    status          VARCHAR(12)      NOT NULL,      -- queued, running, succeeded, failed, cancelled, moderated
    prompt          TEXT             NOT NULL,
    negative_prompt TEXT             NOT NULL,
    aspect_ratio    VARCHAR(8)       NOT NULL,
    width           INTEGER          NOT NULL,
    height          INTEGER          NOT NULL,
    frames          INTEGER          NOT NULL,
    fps             DOUBLE PRECISION NOT NULL,
    steps           INTEGER          NOT NULL,
    cfg             DOUBLE PRECISION NOT NULL,
    seed            BIGINT           NOT NULL,
    cost            BIGINT           NOT NULL,
    charged_free    BIGINT           NOT NULL,      -- what the refund gives back to each pot
    charged_paid    BIGINT           NOT NULL,
    charge_day      VARCHAR(10)      NOT NULL,
    priority        INTEGER          NOT NULL,
    shared          INTEGER          NOT NULL DEFAULT 0,
    callback_url    TEXT,
    progress        DOUBLE PRECISION NOT NULL DEFAULT 0,
    error_code      VARCHAR(40),
    error_message   TEXT,
    worker          VARCHAR(40),
    lease_until     BIGINT,
    attempts        INTEGER          NOT NULL DEFAULT 0,
    created_at      BIGINT           NOT NULL,
    started_at      BIGINT,
    finished_at     BIGINT,
    deleted         INTEGER          NOT NULL DEFAULT 0
);
CREATE INDEX jobs_by_status ON jobs (status, priority, created_at);
CREATE INDEX jobs_by_user ON jobs (user_id, created_at);

CREATE TABLE idempotency_keys (
    user_id      VARCHAR(40)  NOT NULL REFERENCES users (id),
    idem_key     VARCHAR(255) NOT NULL,
    request_hash CHAR(64)     NOT NULL,
    job_id       VARCHAR(40)  NOT NULL,
    created_at   BIGINT       NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);

CREATE TABLE images (
    id         VARCHAR(40) PRIMARY KEY,
    user_id    VARCHAR(40) NOT NULL REFERENCES users (id),
    width      INTEGER     NOT NULL,
    height     INTEGER     NOT NULL,
    created_at BIGINT      NOT NULL
);

CREATE TABLE moderation_hits (
    job_id     VARCHAR(40) PRIMARY KEY,
    user_id    VARCHAR(40) NOT NULL REFERENCES users (id),
    rule       TEXT        NOT NULL,
    created_at BIGINT      NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              VARCHAR(40) PRIMARY KEY,
    job_id          VARCHAR(40) NOT NULL,
    user_id         VARCHAR(40) NOT NULL REFERENCES users (id),
    url             TEXT        NOT NULL,
    body            TEXT        NOT NULL,
    state           VARCHAR(12) NOT NULL,           -- pending, delivered, failed
    attempts        INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at BIGINT      NOT NULL,
    last_error      TEXT
);
CREATE INDEX webhooks_due ON webhook_deliveries (state, next_attempt_at);
