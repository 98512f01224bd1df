-- Issue 13: a request's revision, the ETag of the API and the stale-page guard of decisions and
-- amendments. Every UPDATE of a request bumps it, by a trigger, so no writer can forget: a
-- decision or an amendment made against an older revision is refused (412) rather than
-- overwriting what changed since.
ALTER TABLE quota_requests ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION guichet_bump_revision() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.revision := OLD.revision + 1;
    RETURN NEW;
END
$$;

CREATE TRIGGER quota_requests_revision BEFORE UPDATE ON quota_requests
    FOR EACH ROW EXECUTE FUNCTION guichet_bump_revision();
