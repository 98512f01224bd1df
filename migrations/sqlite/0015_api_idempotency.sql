-- Issue 13: what a creating POST of the API answered, under its Idempotency-Key, so that a retry
-- answers the same (and never makes a second object). Keyed by the SHA-256 of the caller's
-- Authorization header (a token's own keys never meet another token's) and the key; the
-- request's fingerprint (method, path, body) tells a retry from a different request that reuses
-- the key. Kept a day. Not tenant-owned: found before any scope is known, like the token.
CREATE TABLE api_idempotency (
    caller_hash   TEXT    NOT NULL,
    idem_key      TEXT    NOT NULL,
    fingerprint   TEXT    NOT NULL,
    status        INTEGER NOT NULL,
    headers       TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (caller_hash, idem_key)
);
CREATE INDEX api_idempotency_created ON api_idempotency (created_at);
