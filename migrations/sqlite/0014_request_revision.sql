-- Issue 13: a request's revision, the ETag of the API and the stale-page guard of decisions and
-- amendments. Every UPDATE of a request bumps it, by a trigger, so no writer can forget: a
-- decision or an amendment made against an older revision is refused (412) rather than
-- overwriting what changed since. (A later migration that rebuilds quota_requests must create
-- this trigger again.)
ALTER TABLE quota_requests ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER quota_requests_revision AFTER UPDATE ON quota_requests
WHEN NEW.revision = OLD.revision
BEGIN
    UPDATE quota_requests SET revision = OLD.revision + 1 WHERE id = NEW.id;
END;
