-- Issue 10, points 6 and 7: nothing readable from the database opens an account or an invitation.

-- A message that carries a secret link keeps it only sealed (XChaCha20-Poly1305 under the outbox
-- key of the environment, bound to its recipient and subject); `body` holds the same text with the
-- link withheld. Sending erases the sealed copy.
ALTER TABLE email_outbox ADD COLUMN sealed_body TEXT;

-- Invitation links queued before this migration sit in clear: withhold them (no mailer has ever
-- sent the outbox; the owner saw each link when inviting and can invite again).
UPDATE email_outbox
SET body = 'This message carried an invitation link, withheld since migration 0008: ask the organisation''s owner for a new invitation.'
WHERE body LIKE '%/invitations/%';

-- A sign-up waits here until its address is confirmed by the link e-mailed to it: only then are
-- the account, the organisation and the membership created. Only the SHA-256 of the link's token
-- is kept; the password is kept as its argon2id hash.
CREATE TABLE signup_requests (
    id               INTEGER PRIMARY KEY,
    email            TEXT    NOT NULL,
    token_hash       TEXT    NOT NULL UNIQUE,
    name             TEXT    NOT NULL,
    password_hash    TEXT    NOT NULL,
    org_name         TEXT    NOT NULL,
    slug             TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    country          TEXT    NOT NULL,
    registration_id  TEXT    NOT NULL,
    sector           TEXT    NOT NULL,
    parent_country   TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL
);
CREATE INDEX signup_requests_email ON signup_requests (email);
CREATE INDEX signup_requests_expiry ON signup_requests (expires_at);
