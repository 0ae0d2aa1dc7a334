-- The shared account workspace: the customer's goals with their metrics and our linked
-- solutions, the relationship map, customer value scorecards, the living action plan, the
-- process map, roadmap reviews, comments; and the workspace journal that records every change
-- (history, activity feed, live updates), visits, and the notification outbox.
-- All tenant-owned (see 0001_tenancy.sql).
--
-- Versions: every record a person edits carries `version`, starting at 1 and raised by one on
-- each update. An update names the version it read; the server locks the row, and a different
-- version answers ABORTED with the current record, so no edit is lost silently.
--
-- Who: `*_by` columns are users of the tenant; a user's `kind` (users.kind) tells seller from
-- customer, and the journal copies it so history reads without a join.

-- Goals, business objectives and initiatives of the customer, in one tree: an objective or an
-- initiative may hang under a goal. Initiatives belong to a department or business unit.
CREATE TABLE goals (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    account_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('goal', 'objective', 'initiative')),
    parent_id uuid,
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
    department text NOT NULL DEFAULT '' CHECK (length(department) <= 200),
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'achieved', 'dropped')),
    target_date date,
    version int4 NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_by uuid NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, parent_id) REFERENCES goals (tenant_id, id) ON DELETE SET NULL (parent_id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id),
    CHECK (parent_id IS NULL OR parent_id <> id)
);

CREATE INDEX goals_account ON goals (tenant_id, account_id, created_at, id);
SELECT enable_tenant_isolation('goals');
GRANT SELECT, INSERT, UPDATE, DELETE ON goals TO keyplan_app;

-- How the customer measures a goal's success. Part of their goal's record: edited with the
-- goal, under its version.
CREATE TABLE goal_metrics (
    tenant_id uuid NOT NULL,
    goal_id uuid NOT NULL,
    position int2 NOT NULL CHECK (position BETWEEN 0 AND 99),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    unit text NOT NULL DEFAULT '' CHECK (length(unit) <= 50),
    baseline numeric(20, 4),
    target numeric(20, 4),
    current numeric(20, 4),
    PRIMARY KEY (tenant_id, goal_id, position),
    FOREIGN KEY (tenant_id, goal_id) REFERENCES goals (tenant_id, id) ON DELETE CASCADE
);

SELECT enable_tenant_isolation('goal_metrics');
GRANT SELECT, INSERT, UPDATE, DELETE ON goal_metrics TO keyplan_app;

-- Our solutions a seller links to a customer goal (shared: the customer sees how we help).
CREATE TABLE goal_solutions (
    tenant_id uuid NOT NULL,
    goal_id uuid NOT NULL,
    solution text NOT NULL CHECK (length(solution) BETWEEN 1 AND 200),
    note text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    linked_by uuid NOT NULL,
    linked_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, goal_id, solution),
    FOREIGN KEY (tenant_id, goal_id) REFERENCES goals (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, linked_by) REFERENCES users (tenant_id, id)
);

SELECT enable_tenant_isolation('goal_solutions');
GRANT SELECT, INSERT, UPDATE, DELETE ON goal_solutions TO keyplan_app;

-- The relationship map (seller-internal): the customer's people on the account (contacts, from
-- 0002/0004, gain their place in the decision) and which of our team knows whom, how well.
ALTER TABLE contacts
    ADD COLUMN department text NOT NULL DEFAULT '' CHECK (length(department) <= 200),
    ADD COLUMN reports_to uuid,
    ADD COLUMN decision_role text CHECK (decision_role IN ('decision_maker', 'influencer', 'champion', 'user', 'gatekeeper', 'blocker')),
    ADD COLUMN influence text CHECK (influence IN ('low', 'medium', 'high')),
    ADD COLUMN attitude text CHECK (attitude IN ('advocate', 'supporter', 'neutral', 'skeptic', 'opponent')),
    ADD COLUMN concerns text NOT NULL DEFAULT '' CHECK (length(concerns) <= 4000),
    ADD COLUMN version int4 NOT NULL DEFAULT 1 CHECK (version >= 1),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT contacts_reports_to FOREIGN KEY (tenant_id, reports_to) REFERENCES contacts (tenant_id, id) ON DELETE SET NULL (reports_to),
    ADD CONSTRAINT contacts_not_own_manager CHECK (reports_to IS NULL OR reports_to <> id);

CREATE TABLE contact_relationships (
    tenant_id uuid NOT NULL,
    account_id uuid NOT NULL,
    contact_id uuid NOT NULL,
    user_id uuid NOT NULL,
    strength text NOT NULL CHECK (strength IN ('weak', 'moderate', 'strong')),
    note text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    version int4 NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, contact_id, user_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

CREATE INDEX contact_relationships_account ON contact_relationships (tenant_id, account_id);
SELECT enable_tenant_isolation('contact_relationships');
GRANT SELECT, INSERT, UPDATE, DELETE ON contact_relationships TO keyplan_app;

-- Customer value scorecards. A tenant's templates list weighted criteria on one scale; a template
-- is locked (no longer editable) once a round uses it, so every round's answers keep their meaning.
CREATE TABLE scorecard_templates (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    scale_min int2 NOT NULL DEFAULT 1,
    scale_max int2 NOT NULL DEFAULT 10,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    archived_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id),
    CHECK (scale_min >= 0 AND scale_max > scale_min AND scale_max <= 100)
);

SELECT enable_tenant_isolation('scorecard_templates');
GRANT SELECT, INSERT, UPDATE ON scorecard_templates TO keyplan_app;

CREATE TABLE scorecard_criteria (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    template_id uuid NOT NULL,
    position int2 NOT NULL CHECK (position BETWEEN 0 AND 49),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    weight numeric(6, 2) NOT NULL CHECK (weight > 0 AND weight <= 1000),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, template_id, position),
    FOREIGN KEY (tenant_id, template_id) REFERENCES scorecard_templates (tenant_id, id) ON DELETE CASCADE
);

SELECT enable_tenant_isolation('scorecard_criteria');
GRANT SELECT, INSERT ON scorecard_criteria TO keyplan_app;

-- A scoring round: one account, one period (e.g. "2026-Q4"), one template; open until closed.
CREATE TABLE scoring_rounds (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    account_id uuid NOT NULL,
    template_id uuid NOT NULL,
    period text NOT NULL CHECK (length(period) BETWEEN 1 AND 50),
    opened_by uuid NOT NULL,
    opened_at timestamptz NOT NULL DEFAULT now(),
    closes_at timestamptz,
    closed_at timestamptz,
    version int4 NOT NULL DEFAULT 1 CHECK (version >= 1),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, account_id, template_id, period),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, template_id) REFERENCES scorecard_templates (tenant_id, id),
    FOREIGN KEY (tenant_id, opened_by) REFERENCES users (tenant_id, id)
);

CREATE INDEX scoring_rounds_account ON scoring_rounds (tenant_id, account_id, opened_at);
SELECT enable_tenant_isolation('scoring_rounds');
GRANT SELECT, INSERT, UPDATE ON scoring_rounds TO keyplan_app;

-- One response per customer per round, editable while the round is open.
CREATE TABLE scorecard_responses (
    tenant_id uuid NOT NULL,
    round_id uuid NOT NULL,
    respondent_id uuid NOT NULL,
    comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 4000),
    submitted_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version int4 NOT NULL DEFAULT 1 CHECK (version >= 1),
    PRIMARY KEY (tenant_id, round_id, respondent_id),
    FOREIGN KEY (tenant_id, round_id) REFERENCES scoring_rounds (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, respondent_id) REFERENCES users (tenant_id, id)
);

SELECT enable_tenant_isolation('scorecard_responses');
GRANT SELECT, INSERT, UPDATE ON scorecard_responses TO keyplan_app;

CREATE TABLE scorecard_answers (
    tenant_id uuid NOT NULL,
    round_id uuid NOT NULL,
    respondent_id uuid NOT NULL,
    criterion_id uuid NOT NULL,
    score int2 NOT NULL,
    PRIMARY KEY (tenant_id, round_id, respondent_id, criterion_id),
    FOREIGN KEY (tenant_id, round_id, respondent_id) REFERENCES scorecard_responses (tenant_id, round_id, respondent_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, criterion_id) REFERENCES scorecard_criteria (tenant_id, id)
);

SELECT enable_tenant_isolation('scorecard_answers');
GRANT SELECT, INSERT, UPDATE, DELETE ON scorecard_answers TO keyplan_app;

-- The living action plan. An action's owner is a seller or a customer user; shared actions form
-- the mutual action plan the customer sees and updates, the rest stay internal.
-- Horizon: `near` = the next 3–6 months, `long` = 12–36 months.
CREATE TABLE actions (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    account_id uuid NOT NULL,
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
    owner_id uuid,
    due_on date,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'blocked', 'done', 'cancelled')),
    horizon text NOT NULL DEFAULT 'near' CHECK (horizon IN ('near', 'long')),
    goal_id uuid,
    shared boolean NOT NULL DEFAULT false,
    completed_at timestamptz,
    version int4 NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_by uuid NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, goal_id) REFERENCES goals (tenant_id, id) ON DELETE SET NULL (goal_id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id),
    CHECK ((status = 'done') = (completed_at IS NOT NULL))
);

CREATE INDEX actions_account ON actions (tenant_id, account_id, due_on, id);
CREATE INDEX actions_owner ON actions (tenant_id, owner_id);
SELECT enable_tenant_isolation('actions');
GRANT SELECT, INSERT, UPDATE, DELETE ON actions TO keyplan_app;

-- The process map: the key activities between the two companies and who is responsible for each
-- (a user of either side, or a named person or team). Shared with the customer.
CREATE TABLE process_steps (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    account_id uuid NOT NULL,
    position int2 NOT NULL CHECK (position BETWEEN 0 AND 999),
    activity text NOT NULL CHECK (length(activity) BETWEEN 1 AND 300),
    responsible_user_id uuid,
    responsible text NOT NULL DEFAULT '' CHECK (length(responsible) <= 200),
    side text NOT NULL CHECK (side IN ('seller', 'customer', 'joint')),
    version int4 NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_by uuid NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, responsible_user_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id)
);

CREATE INDEX process_steps_account ON process_steps (tenant_id, account_id, position);
SELECT enable_tenant_isolation('process_steps');
GRANT SELECT, INSERT, UPDATE, DELETE ON process_steps TO keyplan_app;

-- Roadmap reviews held with the customer: when, who from both sides, what was decided, and when
-- the next one is due. Shared with the customer.
CREATE TABLE roadmap_reviews (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    account_id uuid NOT NULL,
    held_on date NOT NULL,
    -- Attendees: users of either side by id, and people without an account by name.
    attendee_ids uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(attendee_ids) <= 100),
    guest_names text[] NOT NULL DEFAULT '{}' CHECK (cardinality(guest_names) <= 100),
    decisions text[] NOT NULL DEFAULT '{}' CHECK (cardinality(decisions) <= 100),
    notes text NOT NULL DEFAULT '' CHECK (length(notes) <= 10000),
    next_review_on date,
    version int4 NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_by uuid NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id)
);

CREATE INDEX roadmap_reviews_account ON roadmap_reviews (tenant_id, account_id, held_on);
CREATE INDEX roadmap_reviews_next ON roadmap_reviews (tenant_id, next_review_on);
SELECT enable_tenant_isolation('roadmap_reviews');
GRANT SELECT, INSERT, UPDATE, DELETE ON roadmap_reviews TO keyplan_app;

-- Comments on a goal, an action or a review, from either side. A seller's comment is internal
-- unless shared; a customer's is always shared. `mentions` are users told through the outbox.
CREATE TABLE comments (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    account_id uuid NOT NULL,
    subject_kind text NOT NULL CHECK (subject_kind IN ('goal', 'action', 'review')),
    subject_id uuid NOT NULL,
    author_id uuid NOT NULL,
    body text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    shared boolean NOT NULL,
    mentions uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(mentions) <= 50),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, id)
);

CREATE INDEX comments_subject ON comments (tenant_id, subject_kind, subject_id, created_at);
SELECT enable_tenant_isolation('comments');
GRANT SELECT, INSERT ON comments TO keyplan_app;

-- The workspace journal: one row per change to a workspace record, written in the same
-- transaction as the change. It is the history (who, seller or customer, when, each field before
-- and after), the activity feed, and the source of live updates: each insert notifies channel
-- `keyplan_workspace` with "tenant/account/change id", delivered when the transaction commits,
-- to every server process. `visibility` says who may read the row: 'shared' (the account's
-- customers too) or 'internal' (sellers only). Append-only, like the audit log.
CREATE TABLE workspace_changes (
    tenant_id uuid NOT NULL,
    id bigint GENERATED ALWAYS AS IDENTITY,
    account_id uuid NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_id uuid NOT NULL,
    actor_kind text NOT NULL CHECK (actor_kind IN ('seller', 'customer')),
    entity text NOT NULL CHECK (length(entity) BETWEEN 1 AND 50),
    entity_id uuid NOT NULL,
    operation text NOT NULL CHECK (operation IN ('created', 'updated', 'deleted')),
    version int4,
    visibility text NOT NULL CHECK (visibility IN ('shared', 'internal')),
    summary text NOT NULL CHECK (length(summary) <= 500),
    -- [{"field": name, "before": text or null, "after": text or null}, ...]
    fields jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(fields) = 'array'),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, actor_id) REFERENCES users (tenant_id, id)
);

CREATE INDEX workspace_changes_account ON workspace_changes (tenant_id, account_id, id);
CREATE INDEX workspace_changes_entity ON workspace_changes (tenant_id, entity_id, id);
SELECT enable_tenant_isolation('workspace_changes');
GRANT SELECT, INSERT ON workspace_changes TO keyplan_app;

CREATE FUNCTION workspace_changes_are_append_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    -- Deleting an account removes its journal with it (the foreign key cascades).
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT FROM accounts a WHERE a.tenant_id = OLD.tenant_id AND a.id = OLD.account_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'workspace_changes is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER workspace_changes_append_only BEFORE UPDATE OR DELETE ON workspace_changes
    FOR EACH ROW EXECUTE FUNCTION workspace_changes_are_append_only();

CREATE FUNCTION workspace_changes_notify() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pg_notify('keyplan_workspace', NEW.tenant_id::text || '/' || NEW.account_id::text || '/' || NEW.id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER workspace_changes_notify AFTER INSERT ON workspace_changes
    FOR EACH ROW EXECUTE FUNCTION workspace_changes_notify();

-- Reads of the workspace per user and day, so engagement shows who looks at the plan, not only
-- who edits it.
CREATE TABLE workspace_visits (
    tenant_id uuid NOT NULL,
    account_id uuid NOT NULL,
    user_id uuid NOT NULL,
    day date NOT NULL,
    views int4 NOT NULL DEFAULT 1 CHECK (views >= 1),
    last_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, account_id, user_id, day),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

SELECT enable_tenant_isolation('workspace_visits');
GRANT SELECT, INSERT, UPDATE ON workspace_visits TO keyplan_app;

-- The notification outbox: what someone should be told, per recipient. A mail or chat
-- integration claims undelivered rows (a lease, so a crashed integration's claims come back),
-- delivers them and confirms; the recipient lists and acknowledges them. `dedupe_key` makes a
-- notification that is derived from state (a review coming due) idempotent.
CREATE TABLE notifications (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    recipient_id uuid NOT NULL,
    account_id uuid,
    kind text NOT NULL CHECK (kind IN ('action_assigned', 'scoring_round_opened', 'review_due', 'mention')),
    subject_id uuid,
    message text NOT NULL CHECK (length(message) BETWEEN 1 AND 1000),
    dedupe_key text CHECK (length(dedupe_key) <= 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    claimed_until timestamptz,
    delivered_at timestamptz,
    acknowledged_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, recipient_id, dedupe_key),
    FOREIGN KEY (tenant_id, recipient_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX notifications_recipient ON notifications (tenant_id, recipient_id, created_at);
CREATE INDEX notifications_undelivered ON notifications (tenant_id, created_at) WHERE delivered_at IS NULL;
SELECT enable_tenant_isolation('notifications');
GRANT SELECT, INSERT, UPDATE ON notifications TO keyplan_app;
