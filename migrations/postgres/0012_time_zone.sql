-- The time zone a person's pages show instants in (an IANA name), chosen on the account page.
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Europe/Paris';
