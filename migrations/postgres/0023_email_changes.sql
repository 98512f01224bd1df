-- Changes of e-mail address waiting for their confirmation (issue 17): one row per link e-mailed
-- to the new address, keyed by the SHA-256 of its token (the token itself is only in the sealed
-- e-mail). The address changes when the link is opened; asking again replaces the person's
-- earlier link. Not tenant-owned (like users and sessions).
CREATE TABLE email_changes (
    token_hash  TEXT    PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    new_email   TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);
CREATE INDEX email_changes_user ON email_changes (user_id);
CREATE INDEX email_changes_expiry ON email_changes (expires_at);
