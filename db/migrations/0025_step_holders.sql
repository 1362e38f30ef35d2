-- Named people, not just units (issue 17): the account that holds an event's current step (承办人) — claimed, assigned,
-- or taken by acting on it — and who held the handling step when feedback was given (a failed verification returns it
-- to them). Each history line records who held the step after it; the hash chain is unchanged (claims and assignments
-- name the person in their hashed reason).
ALTER TABLE event ADD COLUMN holder         text CHECK (length(holder) <= 40),
                  ADD COLUMN handler_holder text CHECK (length(handler_holder) <= 40);
CREATE INDEX event_holder_idx ON event (holder) WHERE holder IS NOT NULL;

ALTER TABLE event_history ADD COLUMN holder text CHECK (length(holder) <= 40);
