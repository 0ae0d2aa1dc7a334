-- The buyer's journey: the customer's own buying stages for an account (need identified →
-- evaluation → business case → approval → procurement → rollout → renewal, or their own), who on
-- their side takes part and what they need to move on at each stage, where they are now, and the
-- actions of the mutual plan and the steps of the process map aligned to each stage. Shared with
-- the customer, whose editors
-- maintain it with the sellers (white paper, pitfall 1: plans that follow the seller's process
-- rather than the buyer's).

CREATE TABLE buying_stages (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    account_id uuid NOT NULL,
    position int2 NOT NULL CHECK (position BETWEEN 0 AND 999),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- Who on the customer's side takes part, in their words (people and roles, not the seller's map).
    customer_people text NOT NULL DEFAULT '' CHECK (length(customer_people) <= 1000),
    -- What the customer needs to see or decide to move to the next stage.
    criteria text NOT NULL DEFAULT '' CHECK (length(criteria) <= 2000),
    -- The stage the customer is in now: at most one per account.
    current boolean NOT NULL DEFAULT false,
    version int4 NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_by uuid NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, account_id, name),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id)
);

CREATE INDEX buying_stages_account ON buying_stages (tenant_id, account_id, position);
CREATE UNIQUE INDEX buying_stages_current ON buying_stages (tenant_id, account_id) WHERE current;
SELECT enable_tenant_isolation('buying_stages');
GRANT SELECT, INSERT, UPDATE, DELETE ON buying_stages TO keyplan_app;

-- Our activities aligned to a stage: actions of the account's plan. A customer sees only the
-- shared ones among them.
CREATE TABLE buying_stage_actions (
    tenant_id uuid NOT NULL,
    stage_id uuid NOT NULL,
    action_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, stage_id, action_id),
    FOREIGN KEY (tenant_id, stage_id) REFERENCES buying_stages (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX buying_stage_actions_action ON buying_stage_actions (tenant_id, action_id);
SELECT enable_tenant_isolation('buying_stage_actions');
GRANT SELECT, INSERT, DELETE ON buying_stage_actions TO keyplan_app;

-- The process map's key activities that serve a stage (the process map is shared, all of it).
CREATE TABLE buying_stage_steps (
    tenant_id uuid NOT NULL,
    stage_id uuid NOT NULL,
    step_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, stage_id, step_id),
    FOREIGN KEY (tenant_id, stage_id) REFERENCES buying_stages (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, step_id) REFERENCES process_steps (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX buying_stage_steps_step ON buying_stage_steps (tenant_id, step_id);
SELECT enable_tenant_isolation('buying_stage_steps');
GRANT SELECT, INSERT, DELETE ON buying_stage_steps TO keyplan_app;
