-- Issue 12, point 1: projects inside a tenant. A tenant holds projects; each quota request (and
-- so each quota) belongs to one. Tenant owners and auditors see every project of their tenant; a
-- tenant member sees only the projects they belong to (`project_members`), and nothing of the
-- others. `code` is the project's short name, unique in its tenant: the scheduler export names
-- the project's account after it (tenant slug and code), so it never changes once requests exist.

CREATE TABLE projects (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    code         TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    sector       TEXT    NOT NULL,
    -- [start_date, end_date) as ISO dates; no end date: open-ended.
    start_date   TEXT    NOT NULL,
    end_date     TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    archived_at  INTEGER,
    CHECK (end_date IS NULL OR start_date < end_date),
    UNIQUE (tenant_id, code),
    UNIQUE (tenant_id, id)
);

-- Who belongs to a project, with their project role. At most one lead per project (the person
-- who answers for it); the tenant_id repeats the project's so that the tenant wall (and, on
-- PostgreSQL, row-level security) holds on this table too.
CREATE TABLE project_members (
    project_id  INTEGER NOT NULL,
    tenant_id   INTEGER NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    role        TEXT    NOT NULL CHECK (role IN ('lead', 'member', 'viewer')),
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (project_id, user_id),
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id)
);
CREATE UNIQUE INDEX project_members_one_lead ON project_members (project_id) WHERE role = 'lead';
CREATE INDEX project_members_user ON project_members (user_id, tenant_id, project_id);

-- Who may endorse a member's request: the tenant's owners only, or its project leads too.
ALTER TABLE tenants ADD COLUMN endorsement TEXT NOT NULL DEFAULT 'owners'
    CHECK (endorsement IN ('owners', 'owners_and_leads'));

-- One default project per existing tenant, led by its first owner; the tenant's members join it,
-- so that nobody loses sight of a request they saw before projects existed.
INSERT INTO projects (tenant_id, code, title, description, sector, start_date, end_date, created_at, updated_at)
SELECT t.id, 'general', 'General',
       'The requests made before the organisation had projects.',
       t.sector, date(t.created_at, 'unixepoch'), NULL, CAST(strftime('%s', 'now') AS INTEGER),
       CAST(strftime('%s', 'now') AS INTEGER)
FROM tenants t;

INSERT INTO project_members (project_id, tenant_id, user_id, role, added_at)
SELECT p.id, p.tenant_id, m.user_id, 'lead', p.created_at
FROM projects p
JOIN memberships m ON m.tenant_id = p.tenant_id AND m.role = 'owner'
WHERE m.user_id = (SELECT m2.user_id FROM memberships m2
                   WHERE m2.tenant_id = p.tenant_id AND m2.role = 'owner'
                   ORDER BY m2.created_at, m2.user_id LIMIT 1);

INSERT INTO project_members (project_id, tenant_id, user_id, role, added_at)
SELECT p.id, p.tenant_id, m.user_id, 'member', p.created_at
FROM projects p
JOIN memberships m ON m.tenant_id = p.tenant_id AND m.role = 'member';

-- quota_requests gains its project (required) and the status `changes_requested` (issue 12,
-- point 2: a request sent back for changes). SQLite cannot add a NOT NULL column without a
-- default nor change a CHECK in place, so the table is rebuilt: new table, copy, drop, rename.
-- sqlx runs a SQLite migration inside a transaction, where foreign keys cannot be switched off,
-- and dropping a table that rows still refer to fails; so its two children (request_events,
-- notifications) are rebuilt with it, first referring to the new table by its new name, dropped
-- before their parent, and renamed after it (SQLite rewrites the references on rename).

CREATE TABLE quota_requests_new (
    id                   INTEGER PRIMARY KEY,
    tenant_id            INTEGER NOT NULL REFERENCES tenants (id),
    project_id           INTEGER NOT NULL,
    requester_user_id    INTEGER NOT NULL REFERENCES users (id),
    kind                 TEXT    NOT NULL DEFAULT 'new' CHECK (kind IN ('new', 'change', 'renewal')),
    amends_request_id    INTEGER REFERENCES quota_requests_new (id),
    status               TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'endorsed', 'changes_requested', 'approved', 'partially_approved', 'rejected', 'withdrawn')),
    project_title        TEXT    NOT NULL,
    justification        TEXT    NOT NULL,
    sector               TEXT    NOT NULL,
    classification       TEXT    NOT NULL CHECK (classification IN ('public', 'confidential', 'personal', 'health', 'sensitive')),
    confidential_waiver  INTEGER NOT NULL DEFAULT 0 CHECK (confidential_waiver IN (0, 1)),
    site_id              INTEGER NOT NULL REFERENCES sites (id),
    gpu_model            TEXT    NOT NULL,
    gpus                 INTEGER NOT NULL CHECK (gpus > 0),
    start_date           TEXT    NOT NULL,
    end_date             TEXT    NOT NULL,
    expected_gpu_hours   INTEGER,
    approved_gpus        INTEGER CHECK (approved_gpus IS NULL OR approved_gpus > 0),
    approved_start       TEXT,
    approved_end         TEXT,
    decision_note        TEXT,
    idempotency_key      TEXT    NOT NULL,
    policy_version       INTEGER,
    catalogue_revision   INTEGER,
    compliance_flag      TEXT,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    CHECK (start_date < end_date),
    CHECK (approved_start IS NULL OR approved_start < approved_end),
    UNIQUE (tenant_id, idempotency_key),
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id)
);

INSERT INTO quota_requests_new (
    id, tenant_id, project_id, requester_user_id, kind, amends_request_id, status, project_title,
    justification, sector, classification, confidential_waiver, site_id, gpu_model, gpus,
    start_date, end_date, expected_gpu_hours, approved_gpus, approved_start, approved_end,
    decision_note, idempotency_key, policy_version, catalogue_revision, compliance_flag,
    created_at, updated_at)
SELECT r.id, r.tenant_id, p.id, r.requester_user_id, r.kind, r.amends_request_id, r.status,
    r.project_title, r.justification, r.sector, r.classification, r.confidential_waiver,
    r.site_id, r.gpu_model, r.gpus, r.start_date, r.end_date, r.expected_gpu_hours,
    r.approved_gpus, r.approved_start, r.approved_end, r.decision_note, r.idempotency_key,
    r.policy_version, r.catalogue_revision, r.compliance_flag, r.created_at, r.updated_at
FROM quota_requests r JOIN projects p ON p.tenant_id = r.tenant_id AND p.code = 'general';

CREATE TABLE request_events_new (
    id             INTEGER PRIMARY KEY,
    request_id     INTEGER NOT NULL REFERENCES quota_requests_new (id),
    tenant_id      INTEGER NOT NULL REFERENCES tenants (id),
    at             INTEGER NOT NULL,
    actor_user_id  INTEGER,
    actor_name     TEXT    NOT NULL,
    from_status    TEXT,
    to_status      TEXT    NOT NULL,
    note           TEXT    NOT NULL DEFAULT ''
);
INSERT INTO request_events_new (id, request_id, tenant_id, at, actor_user_id, actor_name, from_status, to_status, note)
SELECT id, request_id, tenant_id, at, actor_user_id, actor_name, from_status, to_status, note FROM request_events;

CREATE TABLE notifications_new (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    tenant_id   INTEGER REFERENCES tenants (id),
    request_id  INTEGER REFERENCES quota_requests_new (id),
    text        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    read_at     INTEGER
);
INSERT INTO notifications_new (id, user_id, tenant_id, request_id, text, created_at, read_at)
SELECT id, user_id, tenant_id, request_id, text, created_at, read_at FROM notifications;

DROP TABLE request_events;
DROP TABLE notifications;
DROP TABLE quota_requests;
ALTER TABLE quota_requests_new RENAME TO quota_requests;
ALTER TABLE request_events_new RENAME TO request_events;
ALTER TABLE notifications_new RENAME TO notifications;

CREATE INDEX request_events_request ON request_events (request_id, id);
CREATE INDEX notifications_user ON notifications (user_id, read_at, id);

CREATE INDEX quota_requests_tenant ON quota_requests (tenant_id, status, id);
CREATE INDEX quota_requests_capacity ON quota_requests (site_id, gpu_model, status, approved_start, approved_end, approved_gpus);
CREATE INDEX quota_requests_queue ON quota_requests (status, id);
CREATE INDEX quota_requests_tenant_recent ON quota_requests (tenant_id, id);
CREATE INDEX quota_requests_project ON quota_requests (project_id, id);
