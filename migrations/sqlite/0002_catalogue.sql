-- The site catalogue (operators, shareholders, sites, GPU inventory,
-- certifications) and the residency policy lists, both versioned: every change
-- adds a catalogue revision or a policy version, and decisions record them.

CREATE TABLE operators (
    id                      INTEGER PRIMARY KEY,
    name                    TEXT    NOT NULL UNIQUE,
    registered_office       TEXT    NOT NULL,
    central_administration  TEXT    NOT NULL,
    main_establishment      TEXT    NOT NULL,
    dpf_certified           INTEGER NOT NULL DEFAULT 0 CHECK (dpf_certified IN (0, 1)),
    commercial_organisation INTEGER NOT NULL DEFAULT 1 CHECK (commercial_organisation IN (0, 1)),
    created_at              INTEGER NOT NULL
);

CREATE TABLE operator_shareholders (
    id              INTEGER PRIMARY KEY,
    operator_id     INTEGER NOT NULL REFERENCES operators (id),
    name            TEXT    NOT NULL,
    country         TEXT    NOT NULL,
    -- Percentages in basis points: 2401 is 24.01 %.
    capital_bp      INTEGER NOT NULL CHECK (capital_bp BETWEEN 0 AND 10000),
    voting_bp       INTEGER NOT NULL CHECK (voting_bp BETWEEN 0 AND 10000),
    control_rights  INTEGER NOT NULL DEFAULT 0 CHECK (control_rights IN (0, 1)),
    veto_rights     INTEGER NOT NULL DEFAULT 0 CHECK (veto_rights IN (0, 1))
);
CREATE INDEX operator_shareholders_operator ON operator_shareholders (operator_id);

CREATE TABLE sites (
    id                      INTEGER PRIMARY KEY,
    slug                    TEXT    NOT NULL UNIQUE,
    name                    TEXT    NOT NULL,
    country                 TEXT    NOT NULL,
    operator_id             INTEGER NOT NULL REFERENCES operators (id),
    -- Countries (ISO codes, comma-separated) from which administration and
    -- support staff can reach tenant data.
    admin_access_countries  TEXT    NOT NULL DEFAULT '',
    created_at              INTEGER NOT NULL
);

CREATE TABLE site_gpus (
    site_id    INTEGER NOT NULL REFERENCES sites (id),
    gpu_model  TEXT    NOT NULL,
    installed  INTEGER NOT NULL CHECK (installed >= 0),
    reserve    INTEGER NOT NULL DEFAULT 0 CHECK (reserve >= 0 AND reserve <= installed),
    PRIMARY KEY (site_id, gpu_model)
);

CREATE TABLE certifications (
    id              INTEGER PRIMARY KEY,
    site_id         INTEGER NOT NULL REFERENCES sites (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('iso27001', 'hds', 'secnumcloud', 'eucs')),
    -- HDS activities covered, comma-separated (1 to 6); empty for other kinds.
    hds_activities  TEXT    NOT NULL DEFAULT '',
    version         TEXT,
    eucs_level      TEXT    CHECK (eucs_level IS NULL OR eucs_level IN ('basic', 'substantial', 'high')),
    certificate_id  TEXT    NOT NULL,
    valid_from      TEXT    NOT NULL,
    valid_until     TEXT    NOT NULL,
    CHECK (valid_from <= valid_until)
);
CREATE INDEX certifications_site ON certifications (site_id);

CREATE TABLE catalogue_revisions (
    revision       INTEGER PRIMARY KEY,
    at             INTEGER NOT NULL,
    actor_user_id  INTEGER,
    summary        TEXT    NOT NULL
);

-- Each row is a whole version of the lists; the highest version is in force.
CREATE TABLE policy_versions (
    version        INTEGER PRIMARY KEY,
    lists          TEXT    NOT NULL,
    at             INTEGER NOT NULL,
    actor_user_id  INTEGER,
    note           TEXT    NOT NULL DEFAULT ''
);
