-- A verified organisation a platform admin suspended (issue 17): its people read but do not
-- submit until the suspension is lifted. When, and why (shown to its people); NULL when not.
-- Kept beside the verification status, which stays `verified`: lifting restores it as it was.
ALTER TABLE tenants ADD COLUMN suspended_at BIGINT;
ALTER TABLE tenants ADD COLUMN suspension_reason TEXT;
