-- The request path (#14): the account check runs inside the call's own transaction, cached
-- credentials learn of revocations through a notification, and sign-in attempts in flight no
-- longer count as failures.

-- The caller's role on an account, checked in the call's transaction (RLS applies: the tenant is
-- already set). Which roles are in scope and which are allowed is the authorization policy's
-- word, computed by the server from its one policy table and passed in as lists of role names
-- ('' for none): this function only looks the role up and compares. Not in scope (or no such
-- account in the tenant) raises KP404, in scope but not allowed KP403, so that in a pipeline the
-- statements after it never run. With p_lock (writes), the rows it relied on stay share-locked
-- until the transaction ends: removing the member or the account waits for the write, or the
-- write sees the removal and is refused.
CREATE FUNCTION account_access(
    p_account uuid, p_user uuid, p_customer boolean, p_in_scope text[], p_allowed text[], p_lock boolean
) RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = public, pg_temp
AS $$
DECLARE
    v_role text;
BEGIN
    IF p_lock THEN
        PERFORM FROM accounts WHERE id = p_account FOR KEY SHARE;
    ELSE
        PERFORM FROM accounts WHERE id = p_account;
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no account %', p_account USING ERRCODE = 'KP404';
    END IF;
    IF p_customer THEN
        IF p_lock THEN
            SELECT role INTO v_role FROM account_customers WHERE account_id = p_account AND user_id = p_user FOR SHARE;
        ELSE
            SELECT role INTO v_role FROM account_customers WHERE account_id = p_account AND user_id = p_user;
        END IF;
    ELSE
        IF p_lock THEN
            SELECT role INTO v_role FROM account_team WHERE account_id = p_account AND user_id = p_user FOR SHARE;
        ELSE
            SELECT role INTO v_role FROM account_team WHERE account_id = p_account AND user_id = p_user;
        END IF;
    END IF;
    v_role := coalesce(v_role, '');
    IF NOT v_role = ANY (p_in_scope) THEN
        RAISE EXCEPTION 'no account %', p_account USING ERRCODE = 'KP404';
    END IF;
    IF NOT v_role = ANY (p_allowed) THEN
        RAISE EXCEPTION 'not allowed on account %', p_account USING ERRCODE = 'KP403';
    END IF;
    RETURN v_role;
END
$$;

REVOKE ALL ON FUNCTION account_access(uuid, uuid, boolean, text[], text[], boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION account_access(uuid, uuid, boolean, text[], text[], boolean) TO keyplan_app;

-- Servers cache resolved credentials for a second; these notifications (channel
-- keyplan_credentials, payload 'credential:<id>' or 'user:<id>') drop an entry at once, in every
-- server process, when a credential is revoked or deleted, or its user is disabled or changes
-- role or kind. Delivered at commit, and only then.
CREATE FUNCTION credential_changed_notify() RETURNS trigger
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
BEGIN
    IF TG_TABLE_NAME = 'credentials' THEN
        PERFORM pg_notify('keyplan_credentials', 'credential:' || coalesce(NEW.id, OLD.id)::text);
    ELSE
        PERFORM pg_notify('keyplan_credentials', 'user:' || coalesce(NEW.id, OLD.id)::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER credential_changed AFTER UPDATE ON credentials
    FOR EACH ROW WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR NEW.expires_at < OLD.expires_at)
    EXECUTE FUNCTION credential_changed_notify();
CREATE TRIGGER credential_deleted AFTER DELETE ON credentials
    FOR EACH ROW EXECUTE FUNCTION credential_changed_notify();
CREATE TRIGGER user_access_changed AFTER UPDATE ON users
    FOR EACH ROW WHEN (OLD.disabled_at IS DISTINCT FROM NEW.disabled_at OR OLD.tenant_role IS DISTINCT FROM NEW.tenant_role
                       OR OLD.kind IS DISTINCT FROM NEW.kind)
    EXECUTE FUNCTION credential_changed_notify();
CREATE TRIGGER user_deleted AFTER DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION credential_changed_notify();

-- Sign-in attempts: 0005 counted an attempt as a failure from the moment it was claimed, before
-- its password was checked, so correct sign-ins started together refused each other. Now a
-- claim is `pending` until it is settled: a wrong password turns it into a failure, a right one
-- deletes it. Only failures count towards the limit; attempts in flight only make later ones
-- wait (`busy`), so that no more passwords are checked at once than could still fail — the
-- guarantee 0005 gave — while a correct password is never refused for others being in flight.
-- A claim that stays pending longer than the claim lifetime (its server died mid-check) counts
-- as a failure.
ALTER TABLE sign_in_failures ADD COLUMN pending boolean NOT NULL DEFAULT false;

DROP FUNCTION claim_sign_in_attempt(text[], bigint[], interval);
DROP FUNCTION release_sign_in_attempt(bigint[]);

-- For each subject (with its limit): failures (settled, or pending past p_claim_lifetime) at the
-- limit → retry_after, the seconds until the oldest of them leaves the window; failures plus
-- attempts in flight at the limit → busy (try again in a moment); else one pending attempt is
-- recorded per subject and their ids returned. Serialized per subject by transaction-level
-- advisory locks taken in sorted order.
CREATE FUNCTION claim_sign_in_attempt(p_subjects text[], p_limits bigint[], p_window interval, p_claim_lifetime interval)
RETURNS TABLE (attempt_ids bigint[], retry_after bigint, busy boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
    v_subject text;
    v_wait bigint;
    v_busy boolean;
    v_ids bigint[];
    v_now timestamptz := clock_timestamp();
BEGIN
    IF cardinality(p_subjects) IS DISTINCT FROM cardinality(p_limits) THEN
        RAISE EXCEPTION 'one limit per subject' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR v_subject IN SELECT DISTINCT s FROM unnest(p_subjects) AS s ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(hashtext(v_subject));
    END LOOP;
    SELECT (max(greatest(1, ceil(extract(epoch FROM counted.oldest_failure + p_window - v_now))))
                FILTER (WHERE counted.failures >= wanted.attempts_allowed))::bigint,
           coalesce(bool_or(counted.failures + counted.in_flight >= wanted.attempts_allowed), false)
      INTO v_wait, v_busy
    FROM unnest(p_subjects, p_limits) AS wanted (subject, attempts_allowed)
    CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE NOT f.pending OR f.failed_at <= v_now - p_claim_lifetime) AS failures,
               min(f.failed_at) FILTER (WHERE NOT f.pending OR f.failed_at <= v_now - p_claim_lifetime) AS oldest_failure,
               count(*) FILTER (WHERE f.pending AND f.failed_at > v_now - p_claim_lifetime) AS in_flight
        FROM sign_in_failures f
        WHERE f.subject = wanted.subject AND f.failed_at > v_now - p_window
    ) AS counted;
    IF v_wait IS NOT NULL THEN
        attempt_ids := NULL;
        retry_after := v_wait;
        busy := false;
        RETURN NEXT;
        RETURN;
    END IF;
    IF v_busy THEN
        attempt_ids := NULL;
        retry_after := NULL;
        busy := true;
        RETURN NEXT;
        RETURN;
    END IF;
    DELETE FROM sign_in_failures WHERE failed_at < v_now - interval '1 day';
    WITH inserted AS (
        INSERT INTO sign_in_failures (subject, failed_at, pending) SELECT s, v_now, true FROM unnest(p_subjects) AS s RETURNING id
    )
    SELECT array_agg(id) INTO v_ids FROM inserted;
    attempt_ids := v_ids;
    retry_after := NULL;
    busy := false;
    RETURN NEXT;
END
$$;

-- Settles claimed attempts: a right password forgets them (and, through
-- clear_sign_in_failures, the account's earlier failures); a wrong one makes them failures,
-- dated now.
CREATE FUNCTION settle_sign_in_attempt(p_attempt_ids bigint[], p_succeeded boolean) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    DELETE FROM sign_in_failures WHERE p_succeeded AND id = ANY (p_attempt_ids);
    UPDATE sign_in_failures SET pending = false, failed_at = clock_timestamp()
    WHERE NOT p_succeeded AND id = ANY (p_attempt_ids);
$$;

REVOKE ALL ON FUNCTION claim_sign_in_attempt(text[], bigint[], interval, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION settle_sign_in_attempt(bigint[], boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_sign_in_attempt(text[], bigint[], interval, interval) TO keyplan_app;
GRANT EXECUTE ON FUNCTION settle_sign_in_attempt(bigint[], boolean) TO keyplan_app;
