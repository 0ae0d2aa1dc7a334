-- Account health: the tenant's weights and risk thresholds, each account's latest explained
-- score, and its history (so the trend shows). All tenant-owned (see 0001_tenancy.sql).
--
-- Health is recomputed when its inputs change, not on every read: changes to what it is computed
-- from mark the account's health stale (triggers below); a read recomputes the stale ones of its
-- scope first, and also those computed before today, since time alone moves some signals
-- (overdue days, days without customer activity, the assessment's age).

-- One row per tenant that changed a default; a missing row means the defaults.
CREATE TABLE health_settings (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    -- HealthWeights as JSON: {"scorecard": 20, ...}; missing signals weigh 0.
    weights jsonb NOT NULL CHECK (jsonb_typeof(weights) = 'object'),
    -- An account is at risk below this score, or when it fell by at least `drop_threshold`
    -- points within `drop_window_days`.
    risk_threshold numeric(5, 2) NOT NULL CHECK (risk_threshold BETWEEN 0 AND 100),
    drop_threshold numeric(5, 2) NOT NULL CHECK (drop_threshold > 0 AND drop_threshold <= 100),
    drop_window_days int4 NOT NULL CHECK (drop_window_days BETWEEN 1 AND 365),
    PRIMARY KEY (tenant_id)
);

SELECT enable_tenant_isolation('health_settings');
GRANT SELECT, INSERT, UPDATE ON health_settings TO keyplan_app;

CREATE TABLE account_health (
    tenant_id uuid NOT NULL,
    account_id uuid NOT NULL,
    score numeric(5, 2) NOT NULL CHECK (score BETWEEN 0 AND 100),
    band text NOT NULL CHECK (band IN ('high', 'medium', 'low')),
    -- The HealthReport (signals with weights, values, contributions, reasons) and the
    -- HealthInputs it was computed from, as JSON.
    report jsonb NOT NULL,
    inputs jsonb NOT NULL,
    -- The start of the transaction that computed it: inputs it read were committed by then or
    -- after (and then marked it stale again, which is safe).
    computed_at timestamptz NOT NULL,
    -- When an input last changed; the score is stale when this is at or after `computed_at`.
    inputs_changed_at timestamptz,
    PRIMARY KEY (tenant_id, account_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX account_health_score ON account_health (tenant_id, score);
SELECT enable_tenant_isolation('account_health');
GRANT SELECT, INSERT, UPDATE ON account_health TO keyplan_app;

-- A row each time an account's score changes (and at most one per day otherwise).
CREATE TABLE account_health_history (
    tenant_id uuid NOT NULL,
    account_id uuid NOT NULL,
    computed_at timestamptz NOT NULL,
    score numeric(5, 2) NOT NULL CHECK (score BETWEEN 0 AND 100),
    band text NOT NULL CHECK (band IN ('high', 'medium', 'low')),
    PRIMARY KEY (tenant_id, account_id, computed_at),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE
);

SELECT enable_tenant_isolation('account_health_history');
GRANT SELECT, INSERT ON account_health_history TO keyplan_app;

-- Marks an account's health stale when something it is computed from changes. Runs as the
-- writer (row-level security applies), in the writer's transaction.
CREATE FUNCTION mark_health_stale() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE account_health SET inputs_changed_at = clock_timestamp()
    WHERE tenant_id = NEW.tenant_id AND account_id = NEW.account_id
      AND (inputs_changed_at IS NULL OR inputs_changed_at < computed_at);
    RETURN NULL;
END
$$;

-- Every workspace change (map, goals, scorecards, actions, reviews) is journaled.
CREATE TRIGGER health_inputs_changed AFTER INSERT ON workspace_changes
    FOR EACH ROW EXECUTE FUNCTION mark_health_stale();
CREATE TRIGGER health_inputs_changed AFTER INSERT ON account_assessments
    FOR EACH ROW EXECUTE FUNCTION mark_health_stale();
CREATE TRIGGER health_inputs_changed AFTER INSERT OR UPDATE ON account_revenue
    FOR EACH ROW EXECUTE FUNCTION mark_health_stale();
-- Engagement counts days with activity: only a customer's first visit of a day changes it.
CREATE TRIGGER health_inputs_changed AFTER INSERT ON workspace_visits
    FOR EACH ROW EXECUTE FUNCTION mark_health_stale();

-- When a contact was put on the map, so coaching can tell how long a coverage gap has been open.
ALTER TABLE contacts ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
