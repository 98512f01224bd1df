-- Row-level security on the tenant-owned tables: a second wall behind the
-- application's own `WHERE tenant_id = $1` filters.
--
-- Each transaction of the application names its scope right after BEGIN,
-- transaction-locally (app/src/server/db.rs):
--   set_config('guichet.tenant_id', '<id>', true)   one tenant's rows
--   set_config('guichet.scope', 'platform', true)   every row (platform admins,
--                                                   paths cross-tenant by nature)
-- With neither set, no row is visible and none can be written (default deny).
-- Rows whose tenant_id is NULL (platform audit events) belong to the platform
-- scope only.
--
-- FORCE makes the policies apply to the tables' owner too, so a single-role
-- deployment (DATABASE_URL owns the tables) is held back as well. A superuser
-- or a BYPASSRLS role is never held back by row-level security: the
-- application's role must be neither (see GUICHET_DATABASE_OWNER_URL).
-- Foreign-key and unique checks are not filtered by the policies.
--
-- A later migration that reads or rewrites these tables must first run
-- SET LOCAL guichet.scope = 'platform' (it runs as the owner, under FORCE).

-- Whether a row of `row_tenant` is within the current transaction's scope. A
-- plain SQL expression (inlined by the planner). A malformed tenant setting
-- fails the query rather than opening anything.
CREATE FUNCTION guichet_in_scope(row_tenant BIGINT) RETURNS BOOLEAN
    LANGUAGE sql STABLE
AS $$
    SELECT current_setting('guichet.scope', true) = 'platform'
        OR row_tenant = CAST(NULLIF(current_setting('guichet.tenant_id', true), '') AS BIGINT)
$$;

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON tenants
    USING (guichet_in_scope(id)) WITH CHECK (guichet_in_scope(id));

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON memberships
    USING (guichet_in_scope(tenant_id)) WITH CHECK (guichet_in_scope(tenant_id));

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON invitations
    USING (guichet_in_scope(tenant_id)) WITH CHECK (guichet_in_scope(tenant_id));

ALTER TABLE quota_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE quota_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON quota_requests
    USING (guichet_in_scope(tenant_id)) WITH CHECK (guichet_in_scope(tenant_id));

ALTER TABLE request_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE request_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON request_events
    USING (guichet_in_scope(tenant_id)) WITH CHECK (guichet_in_scope(tenant_id));

ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON notifications
    USING (guichet_in_scope(tenant_id)) WITH CHECK (guichet_in_scope(tenant_id));

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_scope ON audit_log
    USING (guichet_in_scope(tenant_id)) WITH CHECK (guichet_in_scope(tenant_id));

-- TRUNCATE is not subject to row-level security, nor to the row triggers of
-- 0001: the audit log refuses it as well. (The application's role is not
-- granted TRUNCATE on any table.)
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
