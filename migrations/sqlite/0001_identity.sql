-- Accounts, organisations (tenants), memberships, invitations, sessions, the
-- audit log and the e-mail outbox.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    email           TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    password_hash   TEXT    NOT NULL,
    platform_admin  INTEGER NOT NULL DEFAULT 0 CHECK (platform_admin IN (0, 1)),
    created_at      INTEGER NOT NULL
);

CREATE TABLE tenants (
    id                INTEGER PRIMARY KEY,
    slug              TEXT    NOT NULL UNIQUE,
    name              TEXT    NOT NULL,
    kind              TEXT    NOT NULL,
    country           TEXT    NOT NULL,
    registration_id   TEXT    NOT NULL,
    sector            TEXT    NOT NULL,
    parent_country    TEXT    NOT NULL,
    status            TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'rejected')),
    rejection_reason  TEXT,
    created_at        INTEGER NOT NULL,
    decided_at        INTEGER
);
CREATE INDEX tenants_status ON tenants (status, created_at);

CREATE TABLE memberships (
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    role        TEXT    NOT NULL CHECK (role IN ('owner', 'member', 'auditor')),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE invitations (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    email        TEXT    NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('owner', 'member', 'auditor')),
    token_hash   TEXT    NOT NULL UNIQUE,
    invited_by   INTEGER NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    accepted_at  INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX invitations_tenant ON invitations (tenant_id, created_at);

CREATE TABLE sessions (
    id           TEXT    PRIMARY KEY,
    user_id      INTEGER,
    data         TEXT    NOT NULL,
    expiry_date  INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expiry_date);

CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    at              INTEGER NOT NULL,
    actor_user_id   INTEGER,
    actor_email     TEXT,
    tenant_id       INTEGER,
    event           TEXT    NOT NULL,
    outcome         TEXT    NOT NULL CHECK (outcome IN ('success', 'failure')),
    client_ip       TEXT,
    detail          TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id);
CREATE INDEX audit_log_event ON audit_log (event, id);

-- The audit log is append-only: the application cannot rewrite history.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE email_outbox (
    id          INTEGER PRIMARY KEY,
    to_email    TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER
);
CREATE INDEX email_outbox_unsent ON email_outbox (sent_at, id);
