-- One co-editing rule for every versioned record (#16): a change names the version it read, and a
-- stale one is refused with the record as it is now — including who changed it last and when, so
-- that the person can merge and retry. Goals, actions, process steps and reviews kept that already;
-- this adds it where it was missing.
--
-- `updated_by` is NULL on rows written before this migration (who changed them is in the journal),
-- and stays as it was when a trigger changes a row on someone else's behalf (a contact whose manager
-- was removed no longer reports to anyone: the journal names who removed the manager).
ALTER TABLE contacts
    ADD COLUMN updated_by uuid,
    ADD CONSTRAINT contacts_updated_by FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id);

ALTER TABLE contact_relationships
    ADD COLUMN updated_by uuid,
    ADD CONSTRAINT contact_relationships_updated_by FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id);

-- A round changes when it is closed; until then its last change is its opening.
ALTER TABLE scoring_rounds
    ADD COLUMN updated_by uuid,
    ADD COLUMN updated_at timestamptz,
    ADD CONSTRAINT scoring_rounds_updated_by FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id);
UPDATE scoring_rounds SET updated_by = opened_by, updated_at = coalesce(closed_at, opened_at);
ALTER TABLE scoring_rounds ALTER COLUMN updated_by SET NOT NULL, ALTER COLUMN updated_at SET NOT NULL,
    ALTER COLUMN updated_at SET DEFAULT now();

-- A template changes once: when it is archived. Archiving names the version read like any change.
ALTER TABLE scorecard_templates
    ADD COLUMN version int4 NOT NULL DEFAULT 1 CHECK (version >= 1),
    ADD COLUMN updated_by uuid,
    ADD COLUMN updated_at timestamptz,
    ADD CONSTRAINT scorecard_templates_updated_by FOREIGN KEY (tenant_id, updated_by) REFERENCES users (tenant_id, id);
UPDATE scorecard_templates SET version = CASE WHEN archived_at IS NULL THEN 1 ELSE 2 END,
    updated_by = created_by, updated_at = coalesce(archived_at, created_at);
ALTER TABLE scorecard_templates ALTER COLUMN updated_by SET NOT NULL, ALTER COLUMN updated_at SET NOT NULL,
    ALTER COLUMN updated_at SET DEFAULT now();
