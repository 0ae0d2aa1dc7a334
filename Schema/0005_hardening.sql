-- Hardening after the identity review: sign-in attempts are counted before the password is
-- checked, so concurrent attempts cannot all pass the throttle; only acceptable invitations
-- resolve, so an old token costs the server no password hashing.

-- Counts one attempt for each of `p_subjects`, each with its limit in `p_limits`, within
-- `p_window`: if a subject already has its limit of attempts (failures and attempts in flight),
-- records nothing and returns the seconds to wait; else records the attempt and returns its row
-- ids (deleted again by `release_sign_in_attempt` when the password was right). Attempts that
-- share a subject are serialized by a transaction-level advisory lock per subject, taken in
-- sorted order so two attempts never wait on each other.
CREATE FUNCTION claim_sign_in_attempt(p_subjects text[], p_limits bigint[], p_window interval)
RETURNS TABLE (attempt_ids bigint[], retry_after bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
    v_subject text;
    v_wait bigint;
    v_ids bigint[];
BEGIN
    IF cardinality(p_subjects) IS DISTINCT FROM cardinality(p_limits) THEN
        RAISE EXCEPTION 'one limit per subject' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR v_subject IN SELECT DISTINCT s FROM unnest(p_subjects) AS s ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(hashtext(v_subject));
    END LOOP;
    SELECT max(greatest(1, ceil(extract(epoch FROM recent.oldest + p_window - clock_timestamp()))))::bigint INTO v_wait
    FROM unnest(p_subjects, p_limits) AS wanted (subject, attempts_allowed)
    CROSS JOIN LATERAL (
        SELECT count(*) AS attempts, min(f.failed_at) AS oldest FROM sign_in_failures f
        WHERE f.subject = wanted.subject AND f.failed_at > clock_timestamp() - p_window
    ) AS recent
    WHERE recent.attempts >= wanted.attempts_allowed;
    IF v_wait IS NOT NULL THEN
        attempt_ids := NULL;
        retry_after := v_wait;
        RETURN NEXT;
        RETURN;
    END IF;
    DELETE FROM sign_in_failures WHERE failed_at < now() - interval '1 day';
    WITH inserted AS (
        INSERT INTO sign_in_failures (subject, failed_at) SELECT s, clock_timestamp() FROM unnest(p_subjects) AS s RETURNING id
    )
    SELECT array_agg(id) INTO v_ids FROM inserted;
    attempt_ids := v_ids;
    retry_after := NULL;
    RETURN NEXT;
END
$$;

-- Forgets attempts recorded by `claim_sign_in_attempt` (the password was right).
CREATE FUNCTION release_sign_in_attempt(p_attempt_ids bigint[]) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$ DELETE FROM sign_in_failures WHERE id = ANY (p_attempt_ids) $$;

REVOKE ALL ON FUNCTION claim_sign_in_attempt(text[], bigint[], interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION release_sign_in_attempt(bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_sign_in_attempt(text[], bigint[], interval) TO keyplan_app;
GRANT EXECUTE ON FUNCTION release_sign_in_attempt(bigint[]) TO keyplan_app;

-- Replaces 0003's: the tenant and invitation behind an invitation token hash only while it can
-- still be accepted (not accepted, not revoked, not expired). The server still re-checks that
-- under a row lock in the tenant's transaction; this spares it the work for a dead token.
CREATE OR REPLACE FUNCTION resolve_invitation(p_token_hash bytea)
RETURNS TABLE (tenant_id uuid, invitation_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT tenant_id, id FROM invitations
    WHERE token_hash = p_token_hash AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()
$$;
