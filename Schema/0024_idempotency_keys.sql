-- Idempotency keys: a client that retries a write after UNAVAILABLE (a failover, a server that went
-- away) names it with a key of its choosing (`idempotency-key` metadata). The first call with a key
-- claims it in the write's own transaction and stores its answer there, so the key and the write
-- commit or vanish together; a retry with the same key gets that answer instead of writing again.
-- Keys belong to the caller (one user cannot replay another's answer) and live for a day.

CREATE TABLE idempotency_keys (
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    key text NOT NULL CHECK (length(key) BETWEEN 1 AND 128),
    -- `service/Method` and a SHA-256 of the request's encoding: the same key for another request is refused.
    method text NOT NULL,
    request_digest bytea NOT NULL,
    -- The answer in the method's binary encoding; NULL only inside the claiming transaction.
    response bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id, key),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX idempotency_keys_created_at ON idempotency_keys (tenant_id, created_at);
SELECT enable_tenant_isolation('idempotency_keys');
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO keyplan_app;

-- Claims a key for the caller's call, in the statement that opens the call's transaction (beside
-- the account check, so a keyed write costs no round trip of its own). A live key already claimed
-- raises KP409, so that in a pipeline the statements after it never run: the server then reads the
-- stored answer. A racing first call holding the key makes this wait until it ends. An expired key
-- is claimed afresh. RLS applies: the tenant is already set.
CREATE FUNCTION claim_idempotency_key(p_user uuid, p_key text, p_method text, p_digest bytea) RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = public, pg_temp
AS $$
BEGIN
    INSERT INTO idempotency_keys (tenant_id, user_id, key, method, request_digest)
    VALUES (app_current_tenant(), p_user, p_key, p_method, p_digest)
    ON CONFLICT (tenant_id, user_id, key) DO UPDATE
        SET method = excluded.method, request_digest = excluded.request_digest, response = NULL, created_at = now()
        WHERE idempotency_keys.created_at < now() - interval '1 day';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'idempotency key already used' USING ERRCODE = 'KP409';
    END IF;
    RETURN true;
END
$$;

GRANT EXECUTE ON FUNCTION claim_idempotency_key(uuid, text, text, bytea) TO keyplan_app;
