-- The server's role keeps only the privileges some statement of the server uses: no method deletes
-- an account, a team membership, an opportunity, a month of revenue or a roadmap review, and none
-- renames a tenant. (Cascades from a deleted parent still run: they act with the table owner's
-- rights.) Grant again in the migration that adds such a method.

REVOKE DELETE ON accounts, account_team, opportunities, account_revenue, roadmap_reviews FROM keyplan_app;
REVOKE UPDATE ON tenants FROM keyplan_app;
