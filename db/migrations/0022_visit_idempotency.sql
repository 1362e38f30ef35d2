-- A special-group visit (走访) recorded on a phone is sent again after a dropped answer: the phone's idempotency key
-- makes the second sending answer the first one's record instead of a second visit (and a second move of the due date).
ALTER TABLE visit ADD COLUMN idempotency_key text CHECK (idempotency_key IS NULL OR length(idempotency_key) BETWEEN 8 AND 100);
CREATE UNIQUE INDEX visit_idempotency_idx ON visit (visitor, idempotency_key) WHERE idempotency_key IS NOT NULL;
