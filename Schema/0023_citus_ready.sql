-- Every table can be distributed by tenant_id on Citus (see Schema/README.md, "Citus"; the rules are
-- checked by CitusReadinessTests). Citus would have refused two things this schema had; nothing else
-- changes for PostgreSQL without Citus, and no row changes. (A third, the subquery in the tenant policies
-- of 0010, is left to Schema/citus/distribute.sql: removing it here would cost every database 0010's gain.)
--
-- 1. A unique constraint or index of a distributed table must include its distribution column. Token
--    hashes were unique across tenants; they become unique per tenant, and the unique index leads with
--    the hash, so that a token presented before its tenant is known is still found by its hash alone
--    (resolve_credential, resolve_invitation, resolve_unsubscribe). A token is 32 random bytes: two
--    tenants never draw the same one, so nothing relied on the wider uniqueness.
-- 2. Citus refuses ON DELETE SET NULL (and SET DEFAULT) on a foreign key that includes the
--    distribution column, even in PostgreSQL 15's form that names only the columns to clear
--    (`SET NULL (goal_id)`). Those foreign keys become plain ones (NO ACTION), and an AFTER DELETE
--    trigger on the referenced table clears the references, as the foreign key's action did.
--    PostgreSQL fires the triggers of one event in the order of their names, and a foreign key's own
--    check is a trigger named "RI_ConstraintTrigger_…": these are named "ON_DELETE_SET_NULL_…" so that
--    they run first, and the check finds no reference left. After the statement, not before each row:
--    a statement that deletes a goal and its sub-goal (an account's cascade) would otherwise update a
--    row it is about to delete, which PostgreSQL refuses.

ALTER TABLE credentials DROP CONSTRAINT credentials_token_hash_key;
ALTER TABLE credentials ADD CONSTRAINT credentials_token_hash_unique UNIQUE (token_hash, tenant_id);
ALTER TABLE invitations DROP CONSTRAINT invitations_token_hash_key;
ALTER TABLE invitations ADD CONSTRAINT invitations_token_hash_unique UNIQUE (token_hash, tenant_id);
-- The primary key (tenant_id, token_hash) keeps the hash unique per tenant; this finds it without one.
DROP INDEX unsubscribe_tokens_hash;
CREATE INDEX unsubscribe_tokens_hash ON unsubscribe_tokens (token_hash);

-- Clears `TG_ARGV[1]` of the rows of table `TG_ARGV[0]` that referenced the deleted row (by tenant_id
-- and id). Runs as the deleting role, under row-level security: the rows it clears are of the same
-- tenant, as the foreign key requires.
CREATE FUNCTION set_null_on_delete() RETURNS trigger
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
BEGIN
    EXECUTE format('UPDATE %I SET %I = NULL WHERE tenant_id = $1 AND %I = $2', TG_ARGV[0], TG_ARGV[1], TG_ARGV[1])
        USING OLD.tenant_id, OLD.id;
    RETURN NULL;
END
$$;

REVOKE ALL ON FUNCTION set_null_on_delete() FROM PUBLIC;

ALTER TABLE goals DROP CONSTRAINT goals_tenant_id_parent_id_fkey;
ALTER TABLE goals ADD CONSTRAINT goals_tenant_id_parent_id_fkey
    FOREIGN KEY (tenant_id, parent_id) REFERENCES goals (tenant_id, id);
CREATE TRIGGER "ON_DELETE_SET_NULL_goals_parent_id" AFTER DELETE ON goals
    FOR EACH ROW EXECUTE FUNCTION set_null_on_delete('goals', 'parent_id');

ALTER TABLE actions DROP CONSTRAINT actions_tenant_id_goal_id_fkey;
ALTER TABLE actions ADD CONSTRAINT actions_tenant_id_goal_id_fkey
    FOREIGN KEY (tenant_id, goal_id) REFERENCES goals (tenant_id, id);
CREATE TRIGGER "ON_DELETE_SET_NULL_actions_goal_id" AFTER DELETE ON goals
    FOR EACH ROW EXECUTE FUNCTION set_null_on_delete('actions', 'goal_id');

ALTER TABLE review_agenda_items DROP CONSTRAINT review_agenda_items_tenant_id_goal_id_fkey;
ALTER TABLE review_agenda_items ADD CONSTRAINT review_agenda_items_tenant_id_goal_id_fkey
    FOREIGN KEY (tenant_id, goal_id) REFERENCES goals (tenant_id, id);
CREATE TRIGGER "ON_DELETE_SET_NULL_review_agenda_items_goal_id" AFTER DELETE ON goals
    FOR EACH ROW EXECUTE FUNCTION set_null_on_delete('review_agenda_items', 'goal_id');

ALTER TABLE review_agenda_items DROP CONSTRAINT review_agenda_items_tenant_id_action_id_fkey;
ALTER TABLE review_agenda_items ADD CONSTRAINT review_agenda_items_tenant_id_action_id_fkey
    FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id);
CREATE TRIGGER "ON_DELETE_SET_NULL_review_agenda_items_action_id" AFTER DELETE ON actions
    FOR EACH ROW EXECUTE FUNCTION set_null_on_delete('review_agenda_items', 'action_id');

ALTER TABLE contacts DROP CONSTRAINT contacts_reports_to;
ALTER TABLE contacts ADD CONSTRAINT contacts_reports_to
    FOREIGN KEY (tenant_id, reports_to) REFERENCES contacts (tenant_id, id);
CREATE TRIGGER "ON_DELETE_SET_NULL_contacts_reports_to" AFTER DELETE ON contacts
    FOR EACH ROW EXECUTE FUNCTION set_null_on_delete('contacts', 'reports_to');

ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_tenant_id_invitation_id_fkey;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_tenant_id_invitation_id_fkey
    FOREIGN KEY (tenant_id, invitation_id) REFERENCES invitations (tenant_id, id);
CREATE TRIGGER "ON_DELETE_SET_NULL_mail_outbox_invitation_id" AFTER DELETE ON invitations
    FOR EACH ROW EXECUTE FUNCTION set_null_on_delete('mail_outbox', 'invitation_id');

-- The foreign key's action ran as the table's owner; the trigger runs as the server's role, which
-- deletes goals and actions and so must be able to clear an agenda item's reference to them.
GRANT UPDATE (goal_id, action_id) ON review_agenda_items TO keyplan_app;
