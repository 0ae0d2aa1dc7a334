-- Key customer accounts a tenant plans, and the customer's people on each.
-- Both are tenant-owned (see 0001_tenancy.sql for the rules); on Citus both are distributed
-- by tenant_id and co-located.

CREATE TABLE accounts (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    annual_revenue numeric(20, 2),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT accounts_name_unique UNIQUE (tenant_id, name)
);

SELECT enable_tenant_isolation('accounts');
GRANT SELECT, INSERT, UPDATE, DELETE ON accounts TO keyplan_app;

CREATE TABLE contacts (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    account_id uuid NOT NULL,
    full_name text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    email text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX contacts_account ON contacts (tenant_id, account_id);

SELECT enable_tenant_isolation('contacts');
GRANT SELECT, INSERT, UPDATE, DELETE ON contacts TO keyplan_app;
