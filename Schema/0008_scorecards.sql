-- Customer value scorecards (#7), on the tables of 0006_workspace.sql.
--
-- A response gets an id of its own, so the workspace journal can name it (`entity_id`), and
-- rounds are found by template (the trend, and whether a template is in use) through an index.

ALTER TABLE scorecard_responses ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE scorecard_responses ADD CONSTRAINT scorecard_responses_id UNIQUE (tenant_id, id);

CREATE INDEX scoring_rounds_template ON scoring_rounds (tenant_id, template_id, account_id);
