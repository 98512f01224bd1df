-- The client addresses each person signed in from (issue 17): a sign-in from an address not seen
-- before e-mails them a notice. Kept as the SHA-256 of the person's id and the address, never the
-- address itself. Not tenant-owned (like users and sessions).
CREATE TABLE sign_in_addresses (
    user_id        BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    address_hash   TEXT    NOT NULL,
    first_seen_at  BIGINT  NOT NULL,
    last_seen_at   BIGINT  NOT NULL,
    PRIMARY KEY (user_id, address_hash)
);
