-- Executive reviews with the customer: a review is planned before the meeting, with an agenda both
-- sides build (items of their own, or about a goal or an action of the plan), then held — its
-- decisions and follow-up actions recorded — and signed off by one of the customer's people. Any
-- later change withdraws the sign-off. Customers are asked to sign off through the notification
-- outbox (kind `review_sign_off`).

ALTER TABLE roadmap_reviews ADD COLUMN status text NOT NULL DEFAULT 'held' CHECK (status IN ('planned', 'held'));
ALTER TABLE roadmap_reviews ADD COLUMN signed_off_by uuid;
ALTER TABLE roadmap_reviews ADD COLUMN signed_off_at timestamptz;
ALTER TABLE roadmap_reviews ADD CONSTRAINT roadmap_reviews_signed_off_by_fkey
    FOREIGN KEY (tenant_id, signed_off_by) REFERENCES users (tenant_id, id);
ALTER TABLE roadmap_reviews ADD CONSTRAINT roadmap_reviews_sign_off
    CHECK ((signed_off_by IS NULL) = (signed_off_at IS NULL) AND (signed_off_by IS NULL OR status = 'held'));

CREATE TABLE review_agenda_items (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    review_id uuid NOT NULL,
    position int2 NOT NULL CHECK (position BETWEEN 0 AND 999),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    -- What the item is about, if a record of the plan: a goal or an action (an internal action's item
    -- is seller-internal).
    goal_id uuid,
    action_id uuid,
    added_by uuid NOT NULL,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, review_id) REFERENCES roadmap_reviews (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, goal_id) REFERENCES goals (tenant_id, id) ON DELETE SET NULL (goal_id),
    FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id) ON DELETE SET NULL (action_id),
    FOREIGN KEY (tenant_id, added_by) REFERENCES users (tenant_id, id),
    CHECK (goal_id IS NULL OR action_id IS NULL)
);

CREATE INDEX review_agenda_items_review ON review_agenda_items (tenant_id, review_id, position);
SELECT enable_tenant_isolation('review_agenda_items');
GRANT SELECT, INSERT, DELETE ON review_agenda_items TO keyplan_app;

-- The actions agreed in a review.
CREATE TABLE review_follow_ups (
    tenant_id uuid NOT NULL,
    review_id uuid NOT NULL,
    action_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, review_id, action_id),
    FOREIGN KEY (tenant_id, review_id) REFERENCES roadmap_reviews (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, action_id) REFERENCES actions (tenant_id, id) ON DELETE CASCADE
);

SELECT enable_tenant_isolation('review_follow_ups');
GRANT SELECT, INSERT, DELETE ON review_follow_ups TO keyplan_app;

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('action_assigned', 'scoring_round_opened', 'scoring_round_closing', 'review_due', 'review_sign_off', 'mention'));
