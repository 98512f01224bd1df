-- Password reset links (issue 17): one row per link e-mailed, keyed by the SHA-256 of its token
-- (the token itself is only in the sealed e-mail). A link works once, for a short while; asking
-- again replaces the person's earlier link. Not tenant-owned (like users and sessions).
CREATE TABLE password_resets (
    token_hash  TEXT    PRIMARY KEY,
    user_id     INTEGER  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  INTEGER  NOT NULL,
    expires_at  INTEGER  NOT NULL
);
CREATE INDEX password_resets_user ON password_resets (user_id);
CREATE INDEX password_resets_expiry ON password_resets (expires_at);
