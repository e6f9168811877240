-- Uploaded clips (issue 36): a user's own videos to restyle; the files are in the data directory's clips folder.
CREATE TABLE clips (
    id         VARCHAR(40)      PRIMARY KEY,
    user_id    VARCHAR(40)      NOT NULL REFERENCES users (id),
    frames     INTEGER          NOT NULL,
    fps        DOUBLE PRECISION NOT NULL,
    created_at BIGINT           NOT NULL
);
