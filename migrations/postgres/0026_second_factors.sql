-- A second factor for signing in (issue 17): a TOTP secret (RFC 6238) per person, sealed with the
-- server's key (XChaCha20-Poly1305, bound to the person's id), since checking a code needs the
-- secret itself. `confirmed_at` is NULL while the person is setting it up (a code from their app
-- turns it on); `last_step` is the newest 30-second step a code was accepted for, so no code is
-- accepted twice. Not tenant-owned (like users and sessions).
CREATE TABLE second_factors (
    user_id       BIGINT  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    confirmed_at  BIGINT,
    last_step     BIGINT  NOT NULL DEFAULT 0
);

-- The recovery codes of a second factor, each used once: their SHA-256 only.
CREATE TABLE recovery_codes (
    code_hash  TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT  NOT NULL,
    used_at    BIGINT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
