-- Webhooks (#19): endpoints a tenant's admins register, the events queued for them, each
-- delivery's state and every attempt (the delivery log). See Protocols/webhooks.md.
--
-- Events are queued in the transaction of their cause: a journal row of the workspace becomes an
-- event through the trigger below (an outbox written with the change, so nothing is lost or sent
-- for a change that rolled back); health's fall into risk is queued by the server where it
-- recomputes a score. An event is queued only when some endpoint wants it, one delivery per
-- endpoint. Deliveries are claimed across tenants by `claim_webhook_deliveries`, the only path
-- around row-level security, which returns ids alone: the server then reads and writes each
-- delivery in its own tenant's transaction.

CREATE TABLE webhook_endpoints (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    url text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    event_kinds text[] NOT NULL CHECK (
        cardinality(event_kinds) >= 1
        AND event_kinds <@ ARRAY['goal_changed', 'action_completed', 'scorecard_answered', 'health_at_risk']),
    -- The customer's own system: only one account's events, only what its customers could read.
    customer_facing boolean NOT NULL,
    account_id uuid,
    -- The HMAC key. The server signs with it, so it is kept as it is (a hash could not sign); it
    -- is returned only when created or rotated, and never logged.
    secret text NOT NULL CHECK (length(secret) BETWEEN 32 AND 200),
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id),
    CHECK (NOT customer_facing OR (account_id IS NOT NULL AND event_kinds <@ ARRAY['goal_changed', 'action_completed']))
);

SELECT enable_tenant_isolation('webhook_endpoints');
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints TO keyplan_app;

-- What happened, once, whatever the number of endpoints: `data` is the event's `data` object.
CREATE TABLE webhook_events (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('goal_changed', 'action_completed', 'scorecard_answered', 'health_at_risk', 'ping')),
    account_id uuid,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    data jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE
);

SELECT enable_tenant_isolation('webhook_events');
GRANT SELECT, INSERT ON webhook_events TO keyplan_app;

-- One event to one endpoint: pending until a 2xx answer (delivered) or the last attempt (dead).
-- `claim` and `claimed_until` are a worker's lease: another worker may take the delivery once the
-- lease ran out, and a worker records its attempt only while the claim is still its own.
CREATE TABLE webhook_deliveries (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    endpoint_id uuid NOT NULL,
    event_id uuid NOT NULL,
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts int4 NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claim uuid,
    claimed_until timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, event_id) REFERENCES webhook_events (tenant_id, id) ON DELETE CASCADE
);

-- Across tenants, for the claim: only pending rows, by when they are due.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (tenant_id, endpoint_id);
SELECT enable_tenant_isolation('webhook_deliveries');
GRANT SELECT, INSERT, UPDATE ON webhook_deliveries TO keyplan_app;
-- FORCE ROW LEVEL SECURITY binds the owner too: these let the claim below (and nothing else: the
-- server never logs in as the owner) find and lease due deliveries of every tenant.
CREATE POLICY owner_claim_select ON webhook_deliveries FOR SELECT TO keyplan_owner USING (true);
CREATE POLICY owner_claim_update ON webhook_deliveries FOR UPDATE TO keyplan_owner USING (true) WITH CHECK (true);

-- The delivery log: every attempt, append-only for the server.
CREATE TABLE webhook_attempts (
    tenant_id uuid NOT NULL,
    id bigint GENERATED ALWAYS AS IDENTITY,
    delivery_id uuid NOT NULL,
    endpoint_id uuid NOT NULL,
    attempt int4 NOT NULL CHECK (attempt >= 1),
    attempted_at timestamptz NOT NULL,
    status_code int4,
    latency_ms int4 NOT NULL CHECK (latency_ms >= 0),
    error text CHECK (length(error) <= 500),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_deliveries (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (tenant_id, endpoint_id, id);
SELECT enable_tenant_isolation('webhook_attempts');
GRANT SELECT, INSERT ON webhook_attempts TO keyplan_app;

-- Leases up to `p_limit` due deliveries of any tenant for `p_lease`, oldest due first, at most
-- `p_per_endpoint` in flight per endpoint (so one slow receiver cannot take every worker), skipping
-- rows another worker is claiming right now. Returns ids and the claim only: what a delivery holds
-- is read in its tenant's transaction.
CREATE FUNCTION claim_webhook_deliveries(p_limit int4, p_per_endpoint int4, p_lease interval)
RETURNS TABLE (tenant_id uuid, delivery_id uuid, claim uuid)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    WITH in_flight AS (
        SELECT d.tenant_id, d.endpoint_id, count(*) AS n FROM webhook_deliveries d
        WHERE d.state = 'pending' AND d.claimed_until > now()
        GROUP BY d.tenant_id, d.endpoint_id
    ), due AS (
        SELECT d.tenant_id, d.id, d.endpoint_id, d.next_attempt_at,
               row_number() OVER (PARTITION BY d.tenant_id, d.endpoint_id ORDER BY d.next_attempt_at, d.id) AS rank
        FROM webhook_deliveries d
        WHERE d.state = 'pending' AND d.next_attempt_at <= now() AND (d.claimed_until IS NULL OR d.claimed_until <= now())
    ), candidates AS (
        SELECT due.tenant_id, due.id FROM due
        LEFT JOIN in_flight f ON f.tenant_id = due.tenant_id AND f.endpoint_id = due.endpoint_id
        WHERE due.rank <= p_per_endpoint - coalesce(f.n, 0)
        ORDER BY due.next_attempt_at LIMIT p_limit
    ), locked AS (
        SELECT d.tenant_id, d.id FROM webhook_deliveries d
        JOIN candidates c ON c.tenant_id = d.tenant_id AND c.id = d.id
        WHERE d.state = 'pending' AND (d.claimed_until IS NULL OR d.claimed_until <= now())
        FOR UPDATE OF d SKIP LOCKED
    )
    -- The attempt counts from its claim, so one that never settles (its process died) still counts.
    UPDATE webhook_deliveries d SET claim = gen_random_uuid(), claimed_until = now() + p_lease, attempts = d.attempts + 1
    FROM locked l WHERE d.tenant_id = l.tenant_id AND d.id = l.id
    RETURNING d.tenant_id, d.id, d.claim
$$;

REVOKE ALL ON FUNCTION claim_webhook_deliveries(int4, int4, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_webhook_deliveries(int4, int4, interval) TO keyplan_app;

-- The journal's rows as events: goal changes, actions becoming done, scorecard answers. Runs as
-- the writer, in its transaction (row-level security applies: only the writer's tenant's
-- endpoints). A customer-facing endpoint gets only shared rows of its own account.
CREATE FUNCTION webhook_events_from_journal() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_kind text;
    v_event uuid;
BEGIN
    v_kind := CASE
        WHEN NEW.entity = 'goal' THEN 'goal_changed'
        WHEN NEW.entity = 'action' AND NEW.fields @> '[{"field": "status", "after": "done"}]' THEN 'action_completed'
        WHEN NEW.entity = 'scorecard_response' THEN 'scorecard_answered'
    END;
    IF v_kind IS NULL OR NOT EXISTS (
        SELECT FROM webhook_endpoints e
        WHERE v_kind = ANY (e.event_kinds) AND (e.account_id IS NULL OR e.account_id = NEW.account_id)
          AND (NOT e.customer_facing OR NEW.visibility = 'shared')
    ) THEN
        RETURN NULL;
    END IF;
    v_event := gen_random_uuid();
    INSERT INTO webhook_events (tenant_id, id, kind, account_id, occurred_at, data)
    SELECT NEW.tenant_id, v_event, v_kind, NEW.account_id, NEW.at, jsonb_build_object(
        'account', jsonb_build_object('id', a.id, 'name', a.name),
        'change', jsonb_build_object(
            'id', NEW.id::text, 'entity', NEW.entity, 'entityId', NEW.entity_id, 'operation', NEW.operation,
            'version', NEW.version, 'visibility', NEW.visibility, 'summary', NEW.summary, 'fields', NEW.fields),
        'actor', jsonb_build_object('id', u.id, 'kind', NEW.actor_kind, 'name', u.display_name))
    FROM accounts a, users u
    WHERE a.tenant_id = NEW.tenant_id AND a.id = NEW.account_id AND u.tenant_id = NEW.tenant_id AND u.id = NEW.actor_id;
    INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id)
    SELECT e.tenant_id, gen_random_uuid(), e.id, v_event FROM webhook_endpoints e
    WHERE v_kind = ANY (e.event_kinds) AND (e.account_id IS NULL OR e.account_id = NEW.account_id)
      AND (NOT e.customer_facing OR NEW.visibility = 'shared');
    RETURN NULL;
END
$$;

CREATE TRIGGER webhook_events AFTER INSERT ON workspace_changes
    FOR EACH ROW EXECUTE FUNCTION webhook_events_from_journal();
