-- Federated sign-in (issue 17): OpenID Connect identities linked to accounts, e-mail addresses
-- still to confirm, and people asking to join an organisation their identity provider vouches for.
--
-- * users.email_unverified_since: set when an account is made with an address nobody proved (a
--   provider that does not vouch for it), cleared when the person opens the link e-mailed to it.
--   NULL is a proven address: every account made so far (a sign-up or an invitation link), and
--   every account a previous release makes, so the expanded schema needs no backfill.
-- * external_identities: one row per (provider, subject) — the provider's stable id of the
--   person — tied to one account; a person links a provider once. Not tenant-owned.
-- * email_verifications: the links confirming an address, by their token's SHA-256 (the token
--   itself is only in the sealed e-mail). Not tenant-owned.
-- * join_requests: a person's request to join an organisation, with its owners' decision.
--   Tenant-owned (the owners read and decide them in their tenant's scope).
ALTER TABLE users ADD COLUMN email_unverified_since INTEGER;

CREATE TABLE external_identities (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider     TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    email        TEXT    NOT NULL,
    linked_at    INTEGER NOT NULL,
    last_used_at INTEGER,
    UNIQUE (provider, subject),
    UNIQUE (user_id, provider)
);

CREATE TABLE email_verifications (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX email_verifications_user ON email_verifications (user_id);

CREATE TABLE join_requests (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider    TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    decided_at  INTEGER,
    decided_by  INTEGER REFERENCES users (id),
    outcome     TEXT    CHECK (outcome IN ('accepted', 'refused'))
);
CREATE UNIQUE INDEX join_requests_open ON join_requests (tenant_id, user_id) WHERE decided_at IS NULL;
CREATE INDEX join_requests_user ON join_requests (user_id);
