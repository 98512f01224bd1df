-- GPU quota requests, their timeline and in-app notifications. Approvals are
-- serialised per pool by BEGIN IMMEDIATE (SQLite) or by locking the pool's
-- site_gpus row FOR UPDATE (PostgreSQL).

CREATE TABLE quota_requests (
    id                   INTEGER PRIMARY KEY,
    tenant_id            INTEGER NOT NULL REFERENCES tenants (id),
    requester_user_id    INTEGER NOT NULL REFERENCES users (id),
    kind                 TEXT    NOT NULL DEFAULT 'new' CHECK (kind IN ('new', 'change', 'renewal')),
    amends_request_id    INTEGER REFERENCES quota_requests (id),
    status               TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'endorsed', 'approved', 'partially_approved', 'rejected', 'withdrawn')),
    project_title        TEXT    NOT NULL,
    justification        TEXT    NOT NULL,
    sector               TEXT    NOT NULL,
    classification       TEXT    NOT NULL CHECK (classification IN ('public', 'confidential', 'personal', 'health', 'sensitive')),
    confidential_waiver  INTEGER NOT NULL DEFAULT 0 CHECK (confidential_waiver IN (0, 1)),
    site_id              INTEGER NOT NULL REFERENCES sites (id),
    gpu_model            TEXT    NOT NULL,
    gpus                 INTEGER NOT NULL CHECK (gpus > 0),
    -- [start_date, end_date): end_date is the first day no longer used.
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
    UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX quota_requests_tenant ON quota_requests (tenant_id, status, id);
CREATE INDEX quota_requests_capacity ON quota_requests (site_id, gpu_model, status, approved_start, approved_end, approved_gpus);
CREATE INDEX quota_requests_queue ON quota_requests (status, id);

CREATE TABLE request_events (
    id             INTEGER PRIMARY KEY,
    request_id     INTEGER NOT NULL REFERENCES quota_requests (id),
    tenant_id      INTEGER NOT NULL REFERENCES tenants (id),
    at             INTEGER NOT NULL,
    actor_user_id  INTEGER,
    actor_name     TEXT    NOT NULL,
    from_status    TEXT,
    to_status      TEXT    NOT NULL,
    note           TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX request_events_request ON request_events (request_id, id);

CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    tenant_id   INTEGER REFERENCES tenants (id),
    request_id  INTEGER REFERENCES quota_requests (id),
    text        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    read_at     INTEGER
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, id);

