-- The relationship map's invariants, kept by the database for every writer. The map service
-- checks them first with clearer messages; the CRM import, which can move a contact to another
-- account, knows nothing of the map and relies on these triggers.
--
-- 1. A contact reports to a contact of the same account.
-- 2. A relationship belongs to its contact's account.
-- 3. A contact that moves to another account leaves its reports-to lines behind (it reports to
--    nobody, and its reports to nobody; each changed contact's version is raised) and takes its
--    relationships along (who of our team knows the person stays true).
-- (That the lines form no cycle is checked by the service under an advisory lock per account.)

CREATE FUNCTION contacts_keep_reporting_lines() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.account_id <> OLD.account_id THEN
        NEW.reports_to := NULL;
        IF NEW.version = OLD.version THEN
            NEW.version := OLD.version + 1;
        END IF;
        NEW.updated_at := now();
    END IF;
    IF NEW.reports_to IS NOT NULL AND NOT EXISTS (
        SELECT FROM contacts m WHERE m.tenant_id = NEW.tenant_id AND m.id = NEW.reports_to AND m.account_id = NEW.account_id
    ) THEN
        RAISE EXCEPTION 'a contact reports to a contact of the same account'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'contacts_reports_to_same_account';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER contacts_keep_reporting_lines BEFORE INSERT OR UPDATE OF account_id, reports_to ON contacts
    FOR EACH ROW EXECUTE FUNCTION contacts_keep_reporting_lines();

CREATE FUNCTION contacts_moved_account() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE contacts SET reports_to = NULL, version = version + 1, updated_at = now()
    WHERE tenant_id = NEW.tenant_id AND reports_to = NEW.id;
    UPDATE contact_relationships SET account_id = NEW.account_id
    WHERE tenant_id = NEW.tenant_id AND contact_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER contacts_moved_account AFTER UPDATE OF account_id ON contacts
    FOR EACH ROW WHEN (OLD.account_id IS DISTINCT FROM NEW.account_id) EXECUTE FUNCTION contacts_moved_account();

CREATE FUNCTION contact_relationships_same_account() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT EXISTS (
        SELECT FROM contacts c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.contact_id AND c.account_id = NEW.account_id
    ) THEN
        RAISE EXCEPTION 'a relationship belongs to its contact''s account'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'contact_relationships_same_account';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER contact_relationships_same_account BEFORE INSERT OR UPDATE OF account_id, contact_id ON contact_relationships
    FOR EACH ROW EXECUTE FUNCTION contact_relationships_same_account();

