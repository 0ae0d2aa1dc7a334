-- The account portfolio: what makes an account strategic (profile fields), dated assessments
-- of potential value and relationship strength, the tenant's scoring settings, and
-- opportunities imported from a CRM. All tenant-owned (see 0001_tenancy.sql).

ALTER TABLE accounts
    ADD COLUMN industry text NOT NULL DEFAULT '' CHECK (length(industry) <= 100),
    ADD COLUMN region text NOT NULL DEFAULT '' CHECK (length(region) <= 100),
    ADD COLUMN currency text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    ADD COLUMN potential_revenue numeric(20, 2) CHECK (potential_revenue >= 0),
    ADD COLUMN growth_indicators text NOT NULL DEFAULT '' CHECK (length(growth_indicators) <= 2000),
    ADD COLUMN objective text CHECK (objective IN ('retention', 'revenue_growth', 'vertical_penetration', 'competitive_differentiation')),
    ADD COLUMN owner_id uuid,
    ADD COLUMN external_id text CHECK (length(external_id) BETWEEN 1 AND 100),
    ADD COLUMN status text NOT NULL DEFAULT 'candidate' CHECK (status IN ('candidate', 'strategic', 'archived')),
    -- The latest assessment, copied here so the portfolio sorts and filters on indexed columns.
    -- Quadrant and priority follow the tenant's current settings (re-derived when they change).
    ADD COLUMN value_score numeric(5, 2),
    ADD COLUMN relationship_score numeric(5, 2),
    ADD COLUMN quadrant text CHECK (quadrant IN ('strong_high', 'weak_high', 'strong_low', 'weak_low')),
    ADD COLUMN priority smallint CHECK (priority BETWEEN 1 AND 4),
    ADD COLUMN assessed_at timestamptz,
    ADD CONSTRAINT accounts_owner FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, id),
    ADD CONSTRAINT accounts_external_id_unique UNIQUE (tenant_id, external_id);

ALTER TABLE accounts ADD CONSTRAINT accounts_annual_revenue_positive CHECK (annual_revenue >= 0);

-- Amounts stay below 10^16 so that their hundredths fit a bigint (the revenue sort key).
ALTER TABLE accounts ADD CONSTRAINT accounts_revenue_range CHECK (annual_revenue < 1e16 AND potential_revenue < 1e16);

-- Keyset pagination: one index per sort, each ending in id (the tie-breaker of the cursor).
-- The sort keys are plain generated columns: missing values as -1 (scores, revenue) or 5
-- (priority), scores and revenue in integer hundredths. Under row-level security only leakproof
-- comparisons on plain columns may become index conditions (numeric's are not leakproof, nor is
-- arithmetic on a column), and the cursor's `(key, id) < (…)` must be one, or a deep page would
-- scan every row before it, as OFFSET does.
ALTER TABLE accounts
    ADD COLUMN priority_key int2 GENERATED ALWAYS AS (coalesce(priority, 5::int2)) STORED,
    ADD COLUMN value_key int4 GENERATED ALWAYS AS (coalesce((value_score * 100)::int4, -1)) STORED,
    ADD COLUMN relationship_key int4 GENERATED ALWAYS AS (coalesce((relationship_score * 100)::int4, -1)) STORED,
    ADD COLUMN revenue_key int8 GENERATED ALWAYS AS (coalesce((annual_revenue * 100)::int8, -1)) STORED;

CREATE INDEX accounts_portfolio_name ON accounts (tenant_id, name, id);
CREATE INDEX accounts_portfolio_priority ON accounts (tenant_id, priority_key, id);
CREATE INDEX accounts_portfolio_value ON accounts (tenant_id, value_key, id);
CREATE INDEX accounts_portfolio_relationship ON accounts (tenant_id, relationship_key, id);
CREATE INDEX accounts_portfolio_revenue ON accounts (tenant_id, revenue_key, id);
CREATE INDEX accounts_assessed_at ON accounts (tenant_id, assessed_at);

-- Every assessment is kept, so an account's movement between quadrants shows.
-- Answers are on the scale 1..5; scores are 0..100 with two decimals.
CREATE TABLE account_assessments (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    account_id uuid NOT NULL,
    assessed_at timestamptz NOT NULL DEFAULT now(),
    assessed_by uuid NOT NULL,
    -- Potential value: organization growing, revenues strong, footprint opportunities.
    value_answers int4[] NOT NULL CHECK (cardinality(value_answers) = 3 AND 1 <= ALL (value_answers) AND 5 >= ALL (value_answers)),
    -- Relationship: trust, key stakeholders, strategic fit, view of us in our industry, in theirs.
    relationship_answers int4[] NOT NULL CHECK (cardinality(relationship_answers) = 5 AND 1 <= ALL (relationship_answers) AND 5 >= ALL (relationship_answers)),
    value_score numeric(5, 2) NOT NULL CHECK (value_score BETWEEN 0 AND 100),
    relationship_score numeric(5, 2) NOT NULL CHECK (relationship_score BETWEEN 0 AND 100),
    quadrant text NOT NULL CHECK (quadrant IN ('strong_high', 'weak_high', 'strong_low', 'weak_low')),
    priority smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
    notes text NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, assessed_by) REFERENCES users (tenant_id, id)
);

CREATE INDEX account_assessments_account ON account_assessments (tenant_id, account_id, assessed_at DESC, id);

SELECT enable_tenant_isolation('account_assessments');
GRANT SELECT, INSERT ON account_assessments TO keyplan_app;

-- One row per tenant that changed a default; a missing row means the defaults below.
CREATE TABLE portfolio_settings (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    value_weights int4[] NOT NULL CHECK (cardinality(value_weights) = 3 AND 0 <= ALL (value_weights) AND 10 >= ALL (value_weights)),
    relationship_weights int4[] NOT NULL CHECK (cardinality(relationship_weights) = 5 AND 0 <= ALL (relationship_weights) AND 10 >= ALL (relationship_weights)),
    value_threshold numeric(5, 2) NOT NULL CHECK (value_threshold BETWEEN 0 AND 100),
    relationship_threshold numeric(5, 2) NOT NULL CHECK (relationship_threshold BETWEEN 0 AND 100),
    -- Priorities 2, 3, 4: a permutation of the quadrants other than strong_high (always 1).
    priority_order text[] NOT NULL CHECK (cardinality(priority_order) = 3),
    review_interval_days int4 NOT NULL CHECK (review_interval_days BETWEEN 1 AND 3650),
    PRIMARY KEY (tenant_id)
);

SELECT enable_tenant_isolation('portfolio_settings');
GRANT SELECT, INSERT, UPDATE ON portfolio_settings TO keyplan_app;

ALTER TABLE contacts
    ADD COLUMN external_id text CHECK (length(external_id) BETWEEN 1 AND 100),
    ADD COLUMN title text NOT NULL DEFAULT '' CHECK (length(title) <= 200),
    ADD CONSTRAINT contacts_external_id_unique UNIQUE (tenant_id, external_id);

CREATE TABLE opportunities (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    account_id uuid NOT NULL,
    external_id text CHECK (length(external_id) BETWEEN 1 AND 100),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    amount numeric(20, 2) CHECK (amount >= 0),
    currency text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    stage text NOT NULL DEFAULT '' CHECK (length(stage) <= 100),
    close_date date,
    won boolean,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT opportunities_external_id_unique UNIQUE (tenant_id, external_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX opportunities_account ON opportunities (tenant_id, account_id);

SELECT enable_tenant_isolation('opportunities');
GRANT SELECT, INSERT, UPDATE, DELETE ON opportunities TO keyplan_app;

-- Revenue by period (a calendar month, stored as its first day) for trends; one amount per
-- account and month, in the account's currency when it was recorded.
CREATE TABLE account_revenue (
    tenant_id uuid NOT NULL,
    account_id uuid NOT NULL,
    period date NOT NULL CHECK (extract(day FROM period) = 1),
    amount numeric(20, 2) NOT NULL CHECK (amount >= 0),
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    PRIMARY KEY (tenant_id, account_id, period),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE
);

SELECT enable_tenant_isolation('account_revenue');
GRANT SELECT, INSERT, UPDATE, DELETE ON account_revenue TO keyplan_app;
