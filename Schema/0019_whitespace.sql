-- The whitespace map (#20): a tenant-wide catalogue of our solutions, and per account a grid of
-- business units (or initiatives) × solutions whose cells say where we serve, where the
-- opportunities are and who else is there. Cells are seller-internal unless shared with the
-- customer as ideas to discuss; a customer then reads only the cell's business unit, solution,
-- idea and goals, never its status, provider, competitor, value, contract end or note (the server
-- selects NULL for them, so they are never read for a customer).

CREATE TABLE solutions (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    -- Archived solutions keep their cells but are offered for no new one.
    archived boolean NOT NULL DEFAULT false,
    version int4 NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_by uuid NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id)
);

-- Names are what people type (`--solution Analytics`): unique regardless of case.
CREATE UNIQUE INDEX solutions_name ON solutions (tenant_id, lower(name));
SELECT enable_tenant_isolation('solutions');
GRANT SELECT, INSERT, UPDATE ON solutions TO keyplan_app;

-- One cell of an account's grid. The business unit is the row's name (rows exist through their
-- cells); goals and opportunities are ids of the same account, checked by the server when
-- written and read back only while they exist.
CREATE TABLE whitespace_cells (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    account_id uuid NOT NULL,
    business_unit text NOT NULL CHECK (length(business_unit) BETWEEN 1 AND 200),
    solution_id uuid NOT NULL,
    status text NOT NULL DEFAULT 'unknown' CHECK (status IN ('in_use', 'opportunity', 'competitor', 'not_a_fit', 'unknown')),
    served_by text NOT NULL DEFAULT 'unknown' CHECK (served_by IN ('unknown', 'us', 'competitor', 'internal', 'nobody')),
    competitor text NOT NULL DEFAULT '' CHECK (length(competitor) <= 200),
    -- Annual value today (in use) or potential (an opportunity), in the account's currency.
    annual_value numeric(20, 2) CHECK (annual_value >= 0),
    contract_ends_on date,
    note text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    -- What the customer reads of a shared cell: the idea, in their words.
    idea text NOT NULL DEFAULT '' CHECK (length(idea) <= 2000),
    goal_ids uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(goal_ids) <= 50),
    opportunity_ids uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(opportunity_ids) <= 50),
    shared boolean NOT NULL DEFAULT false,
    version int4 NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_by uuid NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, solution_id) REFERENCES solutions (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id),
    CHECK (served_by = 'competitor' OR competitor = '')
);

-- One cell per business unit and solution of an account.
CREATE UNIQUE INDEX whitespace_cells_grid ON whitespace_cells (tenant_id, account_id, lower(business_unit), solution_id);
CREATE INDEX whitespace_cells_solution ON whitespace_cells (tenant_id, solution_id);
SELECT enable_tenant_isolation('whitespace_cells');
GRANT SELECT, INSERT, UPDATE, DELETE ON whitespace_cells TO keyplan_app;
