-- Mail: invitations and notifications reach people through an SMTP relay.
--
-- * `mail_outbox` holds each mail from the moment it is queued until its relay accepted it: queued
--   in the same transaction as its cause (an invitation) or by the mailer that turns notifications
--   into mail, claimed by one server process at a time under a lease (`FOR UPDATE SKIP LOCKED`,
--   so several processes share the work), sent, then marked. A process that dies between sending
--   and marking leaves a claim that runs out: the mail goes again (at least once, never lost), with
--   the same Message-ID, so a duplicate can be recognised. The body is rendered when queued — an
--   invitation's link carries its token, which is otherwise stored only hashed — and erased once
--   sent or cancelled (with the unsubscribe link), so the token leaves the database with the mail.
-- * `notification_settings`: per user, which kinds of notification come by mail, and whether as
--   one daily digest. No row means every kind, one mail each.
-- * `unsubscribe_tokens`: the one-click unsubscribe link of a notification mail (RFC 8058), stored
--   hashed like every other token.

-- Notifications of a round that closes soon, for the customers who have not answered yet.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('action_assigned', 'scoring_round_opened', 'scoring_round_closing', 'review_due', 'mention'));

-- When the mailer took a notification: mailed, put in a digest, or left out by the recipient's
-- settings. Rows from before mail existed get the migration's time (the default fills them
-- without reading through row-level security), so nobody is mailed about the past.
ALTER TABLE notifications ADD COLUMN mailed_at timestamptz DEFAULT now();
ALTER TABLE notifications ALTER COLUMN mailed_at DROP DEFAULT;
CREATE INDEX notifications_unmailed ON notifications (tenant_id, recipient_id, created_at) WHERE mailed_at IS NULL;

CREATE TABLE mail_outbox (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('invitation', 'notification', 'digest')),
    recipient_id uuid,
    invitation_id uuid,
    to_address text NOT NULL CHECK (length(to_address) BETWEEN 3 AND 320),
    to_name text CHECK (length(to_name) <= 200),
    subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
    body_text text,
    body_html text,
    list_unsubscribe text,
    message_id text NOT NULL CHECK (length(message_id) <= 250),
    state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed', 'cancelled')),
    attempts int4 NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    -- The current claim: only the worker holding it may mark the mail, so one whose lease ran out
    -- (and whose mail another worker took) changes nothing.
    claim uuid,
    claimed_until timestamptz,
    last_error text CHECK (length(last_error) <= 1000),
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, message_id),
    FOREIGN KEY (tenant_id, recipient_id) REFERENCES users (tenant_id, id),
    -- An account's deletion takes its invitations; their mail stays in the log.
    FOREIGN KEY (tenant_id, invitation_id) REFERENCES invitations (tenant_id, id) ON DELETE SET NULL (invitation_id),
    CHECK ((state = 'sent') = (sent_at IS NOT NULL)),
    -- A failed mail keeps its body, so that an admin can send it again.
    CHECK ((state IN ('queued', 'failed')) = (body_text IS NOT NULL))
);

CREATE INDEX mail_outbox_due ON mail_outbox (tenant_id, next_attempt_at) WHERE state = 'queued';
CREATE INDEX mail_outbox_recent ON mail_outbox (tenant_id, created_at);
SELECT enable_tenant_isolation('mail_outbox');
-- DELETE: the mail log is kept for 90 days.
GRANT SELECT, INSERT, UPDATE, DELETE ON mail_outbox TO keyplan_app;

CREATE TABLE notification_settings (
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    -- Kinds not mailed; a kind added later is mailed until muted.
    muted_kinds text[] NOT NULL DEFAULT '{}',
    digest boolean NOT NULL DEFAULT false,
    -- When the next digest is due (digest users only).
    next_digest_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
    CHECK (digest = (next_digest_at IS NOT NULL))
);

CREATE INDEX notification_settings_digest_due ON notification_settings (tenant_id, next_digest_at) WHERE digest;
SELECT enable_tenant_isolation('notification_settings');
GRANT SELECT, INSERT, UPDATE ON notification_settings TO keyplan_app;

CREATE TABLE unsubscribe_tokens (
    tenant_id uuid NOT NULL,
    token_hash bytea NOT NULL,
    user_id uuid NOT NULL,
    -- The kind the mail was about, muted by the link; NULL (a digest): all mail.
    kind text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

CREATE UNIQUE INDEX unsubscribe_tokens_hash ON unsubscribe_tokens (token_hash);
CREATE INDEX unsubscribe_tokens_age ON unsubscribe_tokens (tenant_id, created_at);
SELECT enable_tenant_isolation('unsubscribe_tokens');
-- DELETE: a link works for 90 days, then its row goes.
GRANT SELECT, INSERT, DELETE ON unsubscribe_tokens TO keyplan_app;

-- An unsubscribe link arrives without a tenant, like an invitation token; it works for 90 days.
CREATE FUNCTION resolve_unsubscribe(p_token_hash bytea)
RETURNS TABLE (tenant_id uuid, user_id uuid, kind text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT tenant_id, user_id, kind FROM unsubscribe_tokens
    WHERE token_hash = p_token_hash AND created_at > now() - interval '90 days'
$$;

-- The tenants that have mail work now: mail due, notifications not yet mailed (younger than
-- `p_horizon`: older ones are not mailed after the fact), a digest due, or — when
-- `p_with_reminders` — a review or a scoring round coming due, whose reminders are derived from
-- state. Only ids leave the function; the work itself runs in each tenant's own transaction.
CREATE FUNCTION mail_work_tenants(p_horizon interval, p_with_reminders boolean)
RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT tenant_id FROM mail_outbox
    WHERE state = 'queued' AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
    UNION
    SELECT n.tenant_id FROM notifications n
    WHERE n.mailed_at IS NULL AND n.created_at > now() - p_horizon
      AND NOT EXISTS (
          SELECT FROM notification_settings s WHERE s.tenant_id = n.tenant_id AND s.user_id = n.recipient_id AND s.digest)
    UNION
    SELECT tenant_id FROM notification_settings WHERE digest AND next_digest_at <= now()
    UNION
    SELECT tenant_id FROM roadmap_reviews WHERE p_with_reminders AND next_review_on <= current_date + 7
    UNION
    SELECT tenant_id FROM scoring_rounds
    WHERE p_with_reminders AND closed_at IS NULL AND closes_at BETWEEN now() AND now() + interval '2 days'
$$;

CREATE POLICY owner_lookup ON mail_outbox FOR SELECT TO keyplan_owner USING (true);
CREATE POLICY owner_lookup ON notifications FOR SELECT TO keyplan_owner USING (true);
CREATE POLICY owner_lookup ON notification_settings FOR SELECT TO keyplan_owner USING (true);
CREATE POLICY owner_lookup ON unsubscribe_tokens FOR SELECT TO keyplan_owner USING (true);
CREATE POLICY owner_lookup ON roadmap_reviews FOR SELECT TO keyplan_owner USING (true);
CREATE POLICY owner_lookup ON scoring_rounds FOR SELECT TO keyplan_owner USING (true);

REVOKE ALL ON FUNCTION resolve_unsubscribe(bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION mail_work_tenants(interval, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION resolve_unsubscribe(bytea) TO keyplan_app;
GRANT EXECUTE ON FUNCTION mail_work_tenants(interval, boolean) TO keyplan_app;
