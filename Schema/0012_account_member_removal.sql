-- `keyplan.Accounts/RemoveMember` takes a seller off an account's team (0011 revoked DELETE on
-- account_team because no method used it then). Customers leave through account_customers, whose
-- DELETE the server always held.

GRANT DELETE ON account_team TO keyplan_app;
