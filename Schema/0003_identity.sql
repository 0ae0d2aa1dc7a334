-- Identity: users of a tenant (sellers and invited customers), credentials (sessions and API
-- keys), invitations into account workspaces, account teams, sign-in throttling, the audit log.
--
-- Secrets are never stored: passwords as a salted slow hash (scrypt, parameters inside the
-- stored string), tokens as SHA-256 of 32 random bytes.
--
-- A credential is presented before its tenant is known, so the server's role cannot look it up
-- through row-level security. It calls the SECURITY DEFINER functions below instead: each is
-- owned by keyplan_owner, pins its search_path, takes only a token hash or (tenant slug, email),
-- and returns only the few columns needed to establish who the caller is. Everything else
-- stays behind RLS.

ALTER TABLE tenants ADD COLUMN slug text UNIQUE
    CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$');

-- Seller-internal assessment of an account, never part of a customer's view.
ALTER TABLE accounts ADD COLUMN internal_notes text NOT NULL DEFAULT '';

CREATE TABLE users (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    email text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 320),
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    -- 'seller' users have a tenant role; 'customer' users only have invitations to accounts.
    kind text NOT NULL CHECK (kind IN ('seller', 'customer')),
    tenant_role text CHECK (tenant_role IN ('admin', 'leader', 'seller', 'marketing')),
    password_hash text,
    disabled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, email),
    CHECK ((kind = 'seller') = (tenant_role IS NOT NULL))
);

SELECT enable_tenant_isolation('users');
GRANT SELECT, INSERT, UPDATE ON users TO keyplan_app;

-- Sessions and API keys. A session slides: each use moves `expires_at` to `now() + idle`,
-- never beyond `absolute_expires_at`. An API key acts with `scope_role`, at most its owner's.
CREATE TABLE credentials (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('session', 'api_key')),
    name text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    scope_role text CHECK (scope_role IN ('admin', 'leader', 'seller', 'marketing')),
    client_address text,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    idle_timeout interval,
    expires_at timestamptz,
    absolute_expires_at timestamptz,
    revoked_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

CREATE INDEX credentials_user ON credentials (tenant_id, user_id);
SELECT enable_tenant_isolation('credentials');
GRANT SELECT, INSERT, UPDATE ON credentials TO keyplan_app;

CREATE TABLE account_team (
    tenant_id uuid NOT NULL,
    account_id uuid NOT NULL,
    user_id uuid NOT NULL,
    role text NOT NULL CHECK (role IN ('owner', 'member')),
    PRIMARY KEY (tenant_id, account_id, user_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

CREATE INDEX account_team_user ON account_team (tenant_id, user_id);
SELECT enable_tenant_isolation('account_team');
GRANT SELECT, INSERT, UPDATE, DELETE ON account_team TO keyplan_app;

CREATE TABLE account_customers (
    tenant_id uuid NOT NULL,
    account_id uuid NOT NULL,
    user_id uuid NOT NULL,
    role text NOT NULL CHECK (role IN ('customer_editor', 'customer_viewer')),
    PRIMARY KEY (tenant_id, account_id, user_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

CREATE INDEX account_customers_user ON account_customers (tenant_id, user_id);
SELECT enable_tenant_isolation('account_customers');
GRANT SELECT, INSERT, UPDATE, DELETE ON account_customers TO keyplan_app;

CREATE TABLE invitations (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    account_id uuid NOT NULL,
    email text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 320),
    role text NOT NULL CHECK (role IN ('customer_editor', 'customer_viewer')),
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    invited_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    accepted_at timestamptz,
    accepted_by uuid,
    revoked_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, invited_by) REFERENCES users (tenant_id, id)
);

SELECT enable_tenant_isolation('invitations');
GRANT SELECT, INSERT, UPDATE ON invitations TO keyplan_app;

-- Failed sign-ins, by subject: `account:<sha256 of tenant slug and email>` or `address:<ip>`.
-- Global, not tenant data (an address spans tenants; the account key holds no email), so
-- throttling works across tenants and server processes. The server reaches it only through the
-- functions below; row-level security admits no other role than the owner.
CREATE TABLE sign_in_failures (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject text NOT NULL CHECK (length(subject) <= 200),
    failed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sign_in_failures_subject ON sign_in_failures (subject, failed_at);
ALTER TABLE sign_in_failures ENABLE ROW LEVEL SECURITY;
ALTER TABLE sign_in_failures FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_only ON sign_in_failures TO keyplan_owner USING (true) WITH CHECK (true);

-- Append-only: the server may only insert and read its tenant's rows; a trigger refuses UPDATE,
-- DELETE and TRUNCATE to every role, the owner included.
CREATE TABLE audit_log (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id bigint GENERATED ALWAYS AS IDENTITY,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    user_id uuid,
    credential_id uuid,
    method text NOT NULL,
    object_id uuid,
    client_address text,
    code text NOT NULL,
    message text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id)
);

SELECT enable_tenant_isolation('audit_log');
GRANT SELECT, INSERT ON audit_log TO keyplan_app;

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- Failures of any of `p_subjects` since `p_window` ago, and when the oldest of them expires
-- from the window (the caller's "retry after").
CREATE FUNCTION recent_sign_in_failures(p_subjects text[], p_window interval)
RETURNS TABLE (subject text, failures bigint, oldest timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT subject, count(*), min(failed_at) FROM sign_in_failures
    WHERE subject = ANY (p_subjects) AND failed_at > now() - p_window
    GROUP BY subject
$$;

-- Records one failure for each subject and forgets failures older than a day.
CREATE FUNCTION record_sign_in_failure(p_subjects text[]) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    DELETE FROM sign_in_failures WHERE failed_at < now() - interval '1 day';
    INSERT INTO sign_in_failures (subject) SELECT unnest(p_subjects);
$$;

-- Forgets a subject's failures (after a successful sign-in).
CREATE FUNCTION clear_sign_in_failures(p_subject text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$ DELETE FROM sign_in_failures WHERE subject = p_subject $$;

-- The credential behind a token hash, if it is live (not revoked, not expired, its user not
-- disabled). A session's expiry slides forward and its last use is recorded, but at most once
-- per 1/100 of its idle timeout (and per minute), so busy credentials are not rewritten on
-- every call and concurrent calls do not queue on the row's lock.
CREATE FUNCTION resolve_credential(p_token_hash bytea)
RETURNS TABLE (tenant_id uuid, credential_id uuid, user_id uuid, kind text, user_kind text,
               tenant_role text, scope_role text, expires_at timestamptz)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    WITH live AS (
        SELECT c.tenant_id, c.id, c.user_id, c.kind, u.kind AS user_kind, u.tenant_role, c.scope_role,
               c.expires_at, c.last_used_at, c.idle_timeout, c.absolute_expires_at
        FROM credentials AS c
        JOIN users AS u ON u.tenant_id = c.tenant_id AND u.id = c.user_id
        WHERE c.token_hash = p_token_hash
          AND c.revoked_at IS NULL
          AND (c.expires_at IS NULL OR c.expires_at > now())
          AND u.disabled_at IS NULL
    ), used AS (
        UPDATE credentials AS c
        SET last_used_at = now(),
            expires_at = CASE WHEN c.kind = 'session'
                              THEN least(now() + c.idle_timeout, c.absolute_expires_at)
                              ELSE c.expires_at END
        FROM live
        WHERE c.tenant_id = live.tenant_id AND c.id = live.id
          AND (live.last_used_at IS NULL
               OR live.last_used_at < now() - least(coalesce(live.idle_timeout / 100, interval '1 minute'), interval '1 minute'))
        RETURNING c.id, c.expires_at
    )
    SELECT live.tenant_id, live.id, live.user_id, live.kind, live.user_kind, live.tenant_role, live.scope_role,
           coalesce(used.expires_at, live.expires_at)
    FROM live LEFT JOIN used ON used.id = live.id
$$;

-- The sign-in candidate for an email in a tenant: ids and the stored password hash.
-- No row when the tenant, the user or a password does not exist, or the user is disabled.
CREATE FUNCTION sign_in_candidate(p_tenant_slug text, p_email text)
RETURNS TABLE (tenant_id uuid, user_id uuid, password_hash text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT u.tenant_id, u.id, u.password_hash
    FROM tenants AS t JOIN users AS u ON u.tenant_id = t.id
    WHERE t.slug = p_tenant_slug AND u.email = lower(p_email)
      AND u.disabled_at IS NULL AND u.password_hash IS NOT NULL
$$;

-- The tenant of a tenant slug (to attribute a failed sign-in in the audit log).
CREATE FUNCTION tenant_for_slug(p_tenant_slug text) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$ SELECT id FROM tenants WHERE slug = p_tenant_slug $$;

-- The tenant and invitation behind an invitation token hash, whatever its state (the server
-- then checks and consumes it inside that tenant's transaction, under a row lock).
CREATE FUNCTION resolve_invitation(p_token_hash bytea)
RETURNS TABLE (tenant_id uuid, invitation_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$ SELECT tenant_id, id FROM invitations WHERE token_hash = p_token_hash $$;

-- The definer functions run as keyplan_owner, which FORCE ROW LEVEL SECURITY binds like any
-- role: these policies let the owner (and so only those functions, since the server never logs
-- in as the owner) read across tenants what identifying a caller needs, and nothing more.
CREATE POLICY owner_lookup ON tenants FOR SELECT TO keyplan_owner USING (true);
CREATE POLICY owner_lookup ON users FOR SELECT TO keyplan_owner USING (true);
CREATE POLICY owner_lookup ON invitations FOR SELECT TO keyplan_owner USING (true);
CREATE POLICY owner_lookup ON credentials FOR SELECT TO keyplan_owner USING (true);
CREATE POLICY owner_slide ON credentials FOR UPDATE TO keyplan_owner USING (true) WITH CHECK (true);

REVOKE ALL ON FUNCTION resolve_credential(bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION sign_in_candidate(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION tenant_for_slug(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION resolve_invitation(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION resolve_credential(bytea) TO keyplan_app;
GRANT EXECUTE ON FUNCTION sign_in_candidate(text, text) TO keyplan_app;
GRANT EXECUTE ON FUNCTION tenant_for_slug(text) TO keyplan_app;
GRANT EXECUTE ON FUNCTION resolve_invitation(bytea) TO keyplan_app;
REVOKE ALL ON FUNCTION recent_sign_in_failures(text[], interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION record_sign_in_failure(text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION clear_sign_in_failures(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION recent_sign_in_failures(text[], interval) TO keyplan_app;
GRANT EXECUTE ON FUNCTION record_sign_in_failure(text[]) TO keyplan_app;
GRANT EXECUTE ON FUNCTION clear_sign_in_failures(text) TO keyplan_app;
