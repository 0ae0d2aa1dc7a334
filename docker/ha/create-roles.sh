#!/usr/bin/env bash
# Once the formation has a primary: Keyplan's two roles and the database's owner, on the primary
# (target_session_attrs=read-write finds it; replication takes them to the standby). Idempotent.
set -euo pipefail
primary="postgres://postgres@ha-node1:5432,ha-node2:5432/keyplan?target_session_attrs=read-write&sslmode=disable"
until psql "$primary" -c 'SELECT 1' >/dev/null 2>&1; do sleep 1; done
psql "$primary" -v ON_ERROR_STOP=1 -v owner_password="$KEYPLAN_OWNER_PASSWORD" -v app_password="$KEYPLAN_APP_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE keyplan_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L', :'owner_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keyplan_owner') \gexec
SELECT format('CREATE ROLE keyplan_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L', :'app_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keyplan_app') \gexec
ALTER DATABASE keyplan OWNER TO keyplan_owner;
ALTER SCHEMA public OWNER TO keyplan_owner;
REVOKE ALL ON DATABASE keyplan FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE keyplan TO keyplan_app;
SQL
