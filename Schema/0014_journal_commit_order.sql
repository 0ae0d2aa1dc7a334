-- Journal ids in commit order, per account (#15). A change's id used to be drawn when its row was
-- inserted, so a transaction that drew its id first but committed last showed up below ids already
-- delivered, and a watcher resuming "after the highest id it has" never saw it. Now the id is drawn
-- under a transaction-level lock of the account's journal, held until commit: of two transactions
-- journaling one account, the second draws its ids only once the first has committed (and become
-- visible) or rolled back. Within an account, ids therefore grow in commit order, and every reader's
-- snapshot holds all of an account's changes up to some id and none beyond it.
--
-- The cost: transactions that journal the same account queue from their first journal row to their
-- commit, which is why services journal last in their transaction.
CREATE FUNCTION workspace_changes_in_commit_order() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
BEGIN
    -- Two int4 keys: a key space of their own (`KPJ1`), apart from the one-bigint keys used elsewhere.
    PERFORM pg_advisory_xact_lock(1263553073, hashtext(NEW.tenant_id::text || '/' || NEW.account_id::text));
    NEW.id := nextval(pg_get_serial_sequence('workspace_changes', 'id'));
    RETURN NEW;
END
$$;

REVOKE ALL ON FUNCTION workspace_changes_in_commit_order() FROM PUBLIC;

CREATE TRIGGER workspace_changes_in_commit_order BEFORE INSERT ON workspace_changes
    FOR EACH ROW EXECUTE FUNCTION workspace_changes_in_commit_order();
