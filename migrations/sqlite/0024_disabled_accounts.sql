-- Accounts a platform admin disabled (issue 17): when, else NULL. A disabled account cannot sign
-- in; its sessions and API tokens were ended when it was disabled. Enabling it again clears this.
ALTER TABLE users ADD COLUMN disabled_at INTEGER;
