#!/usr/bin/env bash
# Runs once, as the PostgreSQL image's superuser, when its data volume is first initialised:
# the two roles of Schema/README.md and the database the owner role owns.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v owner_password="$KEYPLAN_OWNER_PASSWORD" -v app_password="$KEYPLAN_APP_PASSWORD" <<'SQL'
CREATE ROLE keyplan_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'owner_password';
CREATE ROLE keyplan_app   LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'app_password';
CREATE DATABASE keyplan OWNER keyplan_owner;
REVOKE ALL ON DATABASE keyplan FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE keyplan TO keyplan_app;
SQL
