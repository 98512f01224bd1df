-- Issue 13: personal access tokens for the REST API (/api/v1).
--
-- A token belongs to one person and acts within one tenant (tenant_id) or, for platform admins,
-- for the platform (tenant_id NULL). Only the SHA-256 of its secret is kept; `prefix` is the
-- secret's first characters, shown in lists so a person can tell their tokens apart. A token
-- acts with the intersection of its scope and the person's role at the time of each call (read
-- from memberships then), so nothing here grants more than the person has.
--
-- Not a tenant-owned table in the row-level-security sense: like sessions, a token is found by
-- its hash before any scope is known, and it is its person's (listed by user_id).
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    tenant_id     INTEGER REFERENCES tenants (id),
    name          TEXT    NOT NULL,
    scope         TEXT    NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
    prefix        TEXT    NOT NULL,
    secret_hash   TEXT    NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    last_used_ip  TEXT,
    revoked_at    INTEGER,
    CHECK (scope <> 'admin' OR tenant_id IS NULL),
    CHECK (scope <> 'write' OR tenant_id IS NOT NULL)
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
