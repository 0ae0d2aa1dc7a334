-- Multi-tenancy rules that every later migration follows.
--
-- * Roles (cluster-wide, created before the first migration by `keyplan-server db start` or by
--   the operator, see Schema/README.md): `keyplan_owner` owns the schema and runs migrations;
--   `keyplan_app` is the server's login role: it owns nothing, cannot bypass row-level security,
--   and only gets the privileges granted here, table by table.
-- * A tenant-owned table has `tenant_id uuid` as the first column of its primary key and of each
--   foreign key to another tenant-owned table, so that rows of one tenant only ever reference
--   rows of the same tenant (and so that Citus can co-locate them, see Schema/README.md).
-- * Each tenant-owned table ENABLEs and FORCEs row-level security with the policy
--   `tenant_id = app_current_tenant()` for reads and writes (`SELECT
--   enable_tenant_isolation('table')` does all three), and grants only DML to keyplan_app.
-- * The server sets the tenant per transaction: `set_config('app.tenant_id', $1, true)`
--   (transaction-local), so a pooled connection never carries one tenant's setting into
--   another's work. Without it `app_current_tenant()` is NULL and no row is visible.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keyplan_app') THEN
        RAISE EXCEPTION 'role keyplan_app does not exist: create it first (see Schema/README.md)';
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'keyplan_app' AND (rolsuper OR rolbypassrls)) THEN
        RAISE EXCEPTION 'role keyplan_app must be neither superuser nor BYPASSRLS';
    END IF;
END
$$;

-- Nobody but the owner creates objects; the server role may only use what is granted.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO keyplan_app;

-- The tenant of the current transaction, or NULL when none is set (then policies match nothing).
CREATE FUNCTION app_current_tenant() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

REVOKE ALL ON FUNCTION app_current_tenant() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_current_tenant() TO keyplan_app;

-- Row-level security for a tenant-owned table: enabled, forced (the owner is bound too), and the
-- one policy that admits only the current tenant's rows, for reads and for writes.
CREATE FUNCTION enable_tenant_isolation(tenant_table regclass) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format(
        'CREATE POLICY tenant_isolation ON %s USING (tenant_id = app_current_tenant()) '
        'WITH CHECK (tenant_id = app_current_tenant())', tenant_table);
END
$$;

REVOKE ALL ON FUNCTION enable_tenant_isolation(regclass) FROM PUBLIC;

-- The selling companies. A tenant sees only its own row. On Citus: a reference table.
CREATE TABLE tenants (
    id uuid PRIMARY KEY,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
    USING (id = app_current_tenant())
    WITH CHECK (id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON tenants TO keyplan_app;
