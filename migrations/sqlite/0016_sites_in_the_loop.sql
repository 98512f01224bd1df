-- Issue 14: the sites' schedulers follow the portal, and their accounting comes back.
--
-- * site_agents: a credential per agent, for one site only (only the SHA-256 of its secret is
--   kept; `prefix` tells agents apart in lists). `cluster` is the Slurm cluster the agent runs
--   beside; `lead_days` how many days before a quota's start its account and people are
--   exported (with no GPUs until the start).
-- * site_logins: the login a person uses at a site; the export names Slurm users by it.
-- * quota_requests.activated_at / expired_at: when the clock recorded the quota's start and end
--   (once each: a conditional update on NULL); used_gpu_seconds: what the site reported.
-- * tenants.usage_thresholds: the levels (% of a budget) whose crossing is told to the tenant.
-- * quota_notices: each threshold crossing or idle flag told once per quota (its primary key).
-- * usage_jobs: the last record of each job (site, cluster, job id): a resent or later record
--   replaces it, never adds to it. usage_days: what a job consumed per UTC day and GPU model,
--   with the quota it counts against (NULL: no quota of its project covered that day).
CREATE TABLE site_agents (
    id            INTEGER PRIMARY KEY,
    site_id       INTEGER NOT NULL REFERENCES sites (id),
    name          TEXT    NOT NULL,
    cluster       TEXT    NOT NULL,
    lead_days     INTEGER NOT NULL DEFAULT 7 CHECK (lead_days BETWEEN 0 AND 90),
    prefix        TEXT    NOT NULL,
    secret_hash   TEXT    NOT NULL UNIQUE,
    created_by    INTEGER NOT NULL REFERENCES users (id),
    created_at    INTEGER NOT NULL,
    rotated_at    INTEGER,
    last_used_at  INTEGER,
    last_used_ip  TEXT,
    revoked_at    INTEGER
);
CREATE INDEX site_agents_site ON site_agents (site_id);

CREATE TABLE site_logins (
    user_id  INTEGER NOT NULL REFERENCES users (id),
    site_id  INTEGER NOT NULL REFERENCES sites (id),
    login    TEXT    NOT NULL,
    PRIMARY KEY (user_id, site_id),
    UNIQUE (site_id, login)
);

ALTER TABLE quota_requests ADD COLUMN activated_at INTEGER;
ALTER TABLE quota_requests ADD COLUMN expired_at INTEGER;
ALTER TABLE quota_requests ADD COLUMN used_gpu_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN usage_thresholds TEXT NOT NULL DEFAULT '80,100';

CREATE TABLE quota_notices (
    request_id  INTEGER NOT NULL REFERENCES quota_requests (id),
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('threshold', 'idle')),
    level       INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (request_id, kind, level)
);

CREATE TABLE usage_jobs (
    site_id      INTEGER NOT NULL REFERENCES sites (id),
    cluster      TEXT    NOT NULL,
    job_id       TEXT    NOT NULL,
    account      TEXT    NOT NULL,
    login        TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    started_at   INTEGER NOT NULL,
    elapsed      INTEGER NOT NULL CHECK (elapsed >= 0),
    tres         TEXT    NOT NULL,
    received_at  INTEGER NOT NULL,
    PRIMARY KEY (site_id, cluster, job_id)
);

CREATE TABLE usage_days (
    site_id      INTEGER NOT NULL REFERENCES sites (id),
    cluster      TEXT    NOT NULL,
    job_id       TEXT    NOT NULL,
    day          TEXT    NOT NULL,
    gpu_model    TEXT    NOT NULL,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    project_id   INTEGER NOT NULL REFERENCES projects (id),
    request_id   INTEGER REFERENCES quota_requests (id),
    login        TEXT    NOT NULL,
    gpu_seconds  INTEGER NOT NULL CHECK (gpu_seconds >= 0),
    PRIMARY KEY (site_id, cluster, job_id, day, gpu_model)
);
CREATE INDEX usage_days_quota ON usage_days (request_id, day);
CREATE INDEX usage_days_site ON usage_days (site_id, gpu_model, day);
