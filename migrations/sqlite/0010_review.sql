-- Issue 12, point 2: a review conversation on a request. Comments exchanged by the requester, the
-- project's lead and members, the tenant's owners and platform admins; and PDF attachments that
-- reviewers need as evidence (a DPIA, an ethics approval, a hosting contract). An attachment's
-- bytes live in a table of their own, so that listing attachments never reads them.

CREATE TABLE request_comments (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    request_id      INTEGER NOT NULL REFERENCES quota_requests (id),
    author_user_id  INTEGER NOT NULL REFERENCES users (id),
    body            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX request_comments_request ON request_comments (request_id, id);

CREATE TABLE request_attachments (
    id                INTEGER PRIMARY KEY,
    tenant_id         INTEGER NOT NULL REFERENCES tenants (id),
    request_id        INTEGER NOT NULL REFERENCES quota_requests (id),
    uploader_user_id  INTEGER NOT NULL REFERENCES users (id),
    kind              TEXT    NOT NULL CHECK (kind IN ('dpia', 'ethics_approval', 'hosting_contract', 'other')),
    file_name         TEXT    NOT NULL,
    size_bytes        INTEGER NOT NULL CHECK (size_bytes > 0),
    created_at        INTEGER NOT NULL
);
CREATE INDEX request_attachments_request ON request_attachments (request_id, id);

CREATE TABLE request_attachment_files (
    attachment_id  INTEGER PRIMARY KEY REFERENCES request_attachments (id),
    tenant_id      INTEGER NOT NULL REFERENCES tenants (id),
    request_id     INTEGER NOT NULL REFERENCES quota_requests (id),
    bytes          BLOB    NOT NULL
);
