-- A tenant's request list, newest first, reads this index in order and stops after a page;
-- quota_requests_tenant (tenant_id, status, id) made it sort every request of the tenant first.
CREATE INDEX quota_requests_tenant_recent ON quota_requests (tenant_id, id);
