-- Distributes Keyplan's tables on a Citus coordinator, once the migrations have run against it
-- (Schema/README.md, "Citus", says when and how). As a superuser, on the coordinator:
--
--     psql "postgres://postgres@coordinator/keyplan" -f Schema/citus/distribute.sql
--
-- Global tables become reference tables (a copy on every node), tenant tables are distributed by
-- tenant_id and co-located with `users`, so that a tenant's rows of every table share a shard and a
-- node: its joins and foreign keys stay on that node. A table is distributed after the tables it
-- references (Citus refuses a foreign key to a table that is not distributed yet). Each table is
-- skipped when it is already distributed, so after a migration adds a table, add the table here
-- (CitusReadinessTests fails until every table is here) and run the file again.
--
-- Not run against Citus here: the tests check the schema rules Citus imposes, run the preparation
-- below on PostgreSQL, and check that this file names every table once, parents first.
-- `keyplan_migrations`, the migrator's own table, stays a plain table on the coordinator: the
-- migrator runs there, and nothing else reads it.

\set ON_ERROR_STOP on

-- Triggers on distributed tables (the journal, health, the relationship map, the audit log…) need
-- this; the README sets it for the database too, so later migrations can create triggers.
SET citus.enable_unsafe_triggers = on;
-- The reference tables come first, while tenant tables still reference them as plain tables: Citus
-- must not turn those into "Citus local tables" (which could then not reference the tables
-- distributed after them).
SET citus.enable_local_reference_table_foreign_keys = off;

-- BEGIN preparation (plain PostgreSQL, no Citus function; CitusReadinessTests runs this part)
--
-- Citus refuses a row-level security policy that contains a subquery, and 0010_tenant_policy_once.sql
-- wrapped the tenant check in one, `(SELECT app_current_tenant())`, so that PostgreSQL evaluates it
-- once per statement. On Citus the check goes back to 0001's form, evaluated per row (0010 measured
-- that at two thirds of a count's time on one node); new tables get that form too.
DO $$
DECLARE
    policy record;
BEGIN
    FOR policy IN
        SELECT c.relname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
        WHERE p.polname = 'tenant_isolation' AND c.relnamespace = 'public'::regnamespace
    LOOP
        EXECUTE format(
            'ALTER POLICY tenant_isolation ON %1$I USING (%2$I = app_current_tenant()) '
            'WITH CHECK (%2$I = app_current_tenant())',
            policy.relname, CASE WHEN policy.relname = 'tenants' THEN 'id' ELSE 'tenant_id' END);
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION enable_tenant_isolation(tenant_table regclass) RETURNS void
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
-- END preparation

-- The policies call it on the workers' shards.
SELECT create_distributed_function('app_current_tenant()');

-- Whether a table is still a plain PostgreSQL table (not yet distributed), so that a second run skips
-- what the first did.
CREATE FUNCTION pg_temp.is_local(table_name text) RETURNS boolean
LANGUAGE sql
AS $$ SELECT NOT EXISTS (SELECT FROM pg_dist_partition WHERE logicalrelid = table_name::regclass) $$;

-- Reference tables: the global ones, before the tenant tables that reference them.
SELECT create_reference_table('tenants')
    WHERE pg_temp.is_local('tenants');
SELECT create_reference_table('sign_in_failures')
    WHERE pg_temp.is_local('sign_in_failures');

-- Distributed tables, co-located, each after the tables it references.
-- Referencing only tenants (users first: the others are co-located with it).
SELECT create_distributed_table('users', 'tenant_id')
    WHERE pg_temp.is_local('users');
SELECT create_distributed_table('audit_log', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('audit_log');
SELECT create_distributed_table('health_settings', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('health_settings');
SELECT create_distributed_table('portfolio_settings', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('portfolio_settings');

-- Referencing users.
SELECT create_distributed_table('accounts', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('accounts');
SELECT create_distributed_table('credentials', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('credentials');
SELECT create_distributed_table('idempotency_keys', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('idempotency_keys');
SELECT create_distributed_table('notification_settings', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('notification_settings');
SELECT create_distributed_table('password_resets', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('password_resets');
SELECT create_distributed_table('scorecard_templates', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('scorecard_templates');
SELECT create_distributed_table('solutions', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('solutions');
SELECT create_distributed_table('unsubscribe_tokens', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('unsubscribe_tokens');

-- Referencing accounts (and users, solutions, scorecard templates).
SELECT create_distributed_table('account_assessments', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('account_assessments');
SELECT create_distributed_table('account_customers', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('account_customers');
SELECT create_distributed_table('account_health', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('account_health');
SELECT create_distributed_table('account_health_history', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('account_health_history');
SELECT create_distributed_table('account_revenue', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('account_revenue');
SELECT create_distributed_table('account_team', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('account_team');
SELECT create_distributed_table('buying_stages', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('buying_stages');
SELECT create_distributed_table('comments', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('comments');
SELECT create_distributed_table('contacts', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('contacts');
SELECT create_distributed_table('goals', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('goals');
SELECT create_distributed_table('invitations', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('invitations');
SELECT create_distributed_table('notifications', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('notifications');
SELECT create_distributed_table('opportunities', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('opportunities');
SELECT create_distributed_table('process_steps', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('process_steps');
SELECT create_distributed_table('roadmap_reviews', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('roadmap_reviews');
SELECT create_distributed_table('scorecard_criteria', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('scorecard_criteria');
SELECT create_distributed_table('scoring_rounds', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('scoring_rounds');
SELECT create_distributed_table('webhook_endpoints', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('webhook_endpoints');
SELECT create_distributed_table('webhook_events', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('webhook_events');
SELECT create_distributed_table('whitespace_cells', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('whitespace_cells');
SELECT create_distributed_table('workspace_changes', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('workspace_changes');
SELECT create_distributed_table('workspace_visits', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('workspace_visits');

-- Referencing goals, contacts, invitations, buying stages, process steps, scoring rounds, webhook endpoints and events.
SELECT create_distributed_table('actions', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('actions');
SELECT create_distributed_table('buying_stage_steps', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('buying_stage_steps');
SELECT create_distributed_table('contact_relationships', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('contact_relationships');
SELECT create_distributed_table('goal_metrics', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('goal_metrics');
SELECT create_distributed_table('goal_solutions', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('goal_solutions');
SELECT create_distributed_table('mail_outbox', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('mail_outbox');
SELECT create_distributed_table('scorecard_responses', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('scorecard_responses');
SELECT create_distributed_table('webhook_deliveries', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('webhook_deliveries');

-- Referencing actions, reviews, responses, criteria, deliveries.
SELECT create_distributed_table('buying_stage_actions', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('buying_stage_actions');
SELECT create_distributed_table('review_agenda_items', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('review_agenda_items');
SELECT create_distributed_table('review_follow_ups', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('review_follow_ups');
SELECT create_distributed_table('scorecard_answers', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('scorecard_answers');
SELECT create_distributed_table('webhook_attempts', 'tenant_id', colocate_with => 'users')
    WHERE pg_temp.is_local('webhook_attempts');
