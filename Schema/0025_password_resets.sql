-- Password resets by mail. A customer's sign-in is theirs alone, so an admin cannot set a customer's password:
-- asked to reset it (Users/ResetPassword), the server mails the customer a single-use link instead, and the
-- customer chooses the new password on the portal (Auth/ResetPassword). The token is stored hashed, lives an
-- hour and works once; using it ends the customer's sessions. A user has at most one live link: a new one,
-- a used one or a changed password spends the others. A failed reset mail is not sent again (Mail/Retry
-- refuses it): its link is dead within the hour.
CREATE TABLE password_resets (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    token_hash bytea NOT NULL,
    requested_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    -- The index leads with the hash: a token is looked up before its tenant is known (as 0023 did for credentials).
    UNIQUE (token_hash, tenant_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, requested_by) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

SELECT enable_tenant_isolation('password_resets');
GRANT SELECT, INSERT, UPDATE ON password_resets TO keyplan_app;

CREATE INDEX password_resets_user ON password_resets (tenant_id, user_id) WHERE used_at IS NULL;

-- A link's token is presented before any tenant is known, as an invitation's is (0003). Only a live link
-- resolves: a spent or expired one costs the server no password hashing.
CREATE FUNCTION resolve_password_reset(p_token_hash bytea)
RETURNS TABLE (tenant_id uuid, reset_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT tenant_id, id FROM password_resets
    WHERE token_hash = p_token_hash AND used_at IS NULL AND expires_at > now()
$$;

CREATE POLICY owner_lookup ON password_resets FOR SELECT TO keyplan_owner USING (true);
REVOKE ALL ON FUNCTION resolve_password_reset(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION resolve_password_reset(bytea) TO keyplan_app;

ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN ('invitation', 'notification', 'digest', 'password_reset'));
