-- Issue 15: the job runner's schedule and history, e-mail delivery with retries, digests and
-- each person's choices, and the reminders the clock sends once.
--
-- Expand only: new tables, and new columns on email_outbox with defaults, so an instance of the
-- previous release (which names none of them) keeps working beside one of this release while
-- they roll over (docs/operations.md, "Upgrading").
--
-- * jobs: one row per scheduled job. An instance runs a job only after claiming its row with a
--   conditional update (due, and not leased by another instance); the lease ends when it
--   finishes or after `locked_until_ms` if it died. Failures in a row set the backoff.
-- * job_runs: each run, unique per (job, scheduled_for): a second claim of one due time cannot
--   be recorded. Pruned after 30 days.
-- * email_outbox: `category` (what the person may choose to receive: requests, quotas,
--   compliance; security and account mail are always sent), `delivery` (immediate or digest),
--   `attempts`, `next_attempt_at` (backoff), `claimed_until` (a sender's lease on the
--   message), `last_error`, `failed_at` (given up: shown to admins), `digest_id` (the digest
--   message that carried it).
-- * email_preferences: a person's choice per category (absent: immediately).
-- * quota_reminders / certificate_warnings: each reminder sent once (their primary keys).
CREATE TABLE jobs (
    name                 TEXT    PRIMARY KEY,
    next_run_at_ms       INTEGER NOT NULL,
    locked_by            TEXT,
    locked_until_ms      INTEGER,
    failures_in_row      INTEGER NOT NULL DEFAULT 0,
    last_started_at_ms   INTEGER,
    last_finished_at_ms  INTEGER,
    last_duration_ms     INTEGER,
    last_outcome         TEXT    CHECK (last_outcome IS NULL OR last_outcome IN ('ok', 'failed', 'gave_up')),
    last_error           TEXT,
    last_instance        TEXT
);

CREATE TABLE job_runs (
    id              INTEGER PRIMARY KEY,
    job             TEXT    NOT NULL,
    scheduled_for   INTEGER NOT NULL,
    instance        TEXT    NOT NULL,
    started_at_ms   INTEGER NOT NULL,
    finished_at_ms  INTEGER,
    outcome         TEXT    CHECK (outcome IS NULL OR outcome IN ('ok', 'failed', 'gave_up')),
    detail          TEXT    NOT NULL DEFAULT '',
    UNIQUE (job, scheduled_for)
);
CREATE INDEX job_runs_started ON job_runs (started_at_ms);

ALTER TABLE email_outbox ADD COLUMN category TEXT NOT NULL DEFAULT 'account'
    CHECK (category IN ('security', 'account', 'requests', 'quotas', 'compliance', 'digest'));
ALTER TABLE email_outbox ADD COLUMN delivery TEXT NOT NULL DEFAULT 'immediate'
    CHECK (delivery IN ('immediate', 'digest'));
ALTER TABLE email_outbox ADD COLUMN user_id INTEGER REFERENCES users (id);
ALTER TABLE email_outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE email_outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE email_outbox ADD COLUMN claimed_until INTEGER;
ALTER TABLE email_outbox ADD COLUMN last_error TEXT;
ALTER TABLE email_outbox ADD COLUMN failed_at INTEGER;
ALTER TABLE email_outbox ADD COLUMN digest_id INTEGER;
CREATE INDEX email_outbox_due ON email_outbox (delivery, sent_at, failed_at, next_attempt_at, id);

CREATE TABLE email_preferences (
    user_id   INTEGER NOT NULL REFERENCES users (id),
    category  TEXT    NOT NULL CHECK (category IN ('requests', 'quotas', 'compliance')),
    delivery  TEXT    NOT NULL CHECK (delivery IN ('immediate', 'digest', 'never')),
    PRIMARY KEY (user_id, category)
);

CREATE TABLE quota_reminders (
    request_id   INTEGER NOT NULL REFERENCES quota_requests (id),
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    days_before  INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    PRIMARY KEY (request_id, days_before)
);

CREATE TABLE certificate_warnings (
    certification_id  INTEGER NOT NULL,
    valid_until       TEXT    NOT NULL,
    days_before       INTEGER NOT NULL,
    at                INTEGER NOT NULL,
    PRIMARY KEY (certification_id, valid_until, days_before)
);
