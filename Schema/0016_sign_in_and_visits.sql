-- Two corrections of 0013 (which is applied as it was: a migration never changes once applied).

-- Forgets an account's settled failures after a right password, under the subject's lock. It
-- leaves pending attempts alone (their own settle deletes or dates them) and rows older than a day
-- (the claim's purge deletes those): concurrent sign-ins that each clear, settle and purge then
-- never lock the same rows in different orders, which deadlocked them.
CREATE OR REPLACE FUNCTION clear_sign_in_failures(p_subject text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT pg_advisory_xact_lock(hashtext(p_subject));
    DELETE FROM sign_in_failures WHERE subject = p_subject AND NOT pending AND failed_at >= clock_timestamp() - interval '1 day';
$$;

-- A read records its reader's visit of the day in its own transaction only when it is the day's
-- first (INSERT … ON CONFLICT DO NOTHING: no write, no row lock for the others); the number of
-- views is added in batches by each server process (WorkspaceVisits), so the day's row starts at 0.
ALTER TABLE workspace_visits DROP CONSTRAINT workspace_visits_views_check;
ALTER TABLE workspace_visits ADD CONSTRAINT workspace_visits_views_check CHECK (views >= 0);
ALTER TABLE workspace_visits ALTER COLUMN views SET DEFAULT 0;
