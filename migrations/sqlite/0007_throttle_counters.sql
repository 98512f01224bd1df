-- Throttle counters, shared by every instance (issue 10, points 3 and 4): sign-in attempts per
-- account from unknown browsers, per device cookie and per client address; sign-ups per client
-- address; current-password checks per account. An attempt is counted here, in its own short
-- transaction, before any password is hashed (app/src/server/auth/throttle/).
--
-- `key_hash` is the SHA-256 (hex) of the scope and the key: no e-mail address or IP address is
-- stored in clear. Instants are Unix *milliseconds* here (the first delays last one second).
-- Not tenant-owned: no row-level security on PostgreSQL.
CREATE TABLE throttle_counters (
    scope          TEXT    NOT NULL,
    key_hash       TEXT    NOT NULL,
    -- every attempt of this burst, refused ones included
    attempts       INTEGER NOT NULL,
    -- attempts let through to the check, less those that succeeded
    admitted       INTEGER NOT NULL,
    -- attempts before this instant are refused (429)
    blocked_until  INTEGER NOT NULL,
    started_at     INTEGER NOT NULL,
    -- quiet until then, the burst is over: the row is reset, or pruned
    expires_at     INTEGER NOT NULL,
    -- when the account's owner was told of this burst (one notice per burst)
    notified_at    INTEGER,
    PRIMARY KEY (scope, key_hash)
);
CREATE INDEX throttle_counters_expiry ON throttle_counters (expires_at);
