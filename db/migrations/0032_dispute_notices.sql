-- A dispute that reaches a level (escalated by hand or by the sweep) is announced in the inbox of that level's
-- mediators (issue 18).
ALTER TABLE inbox_item DROP CONSTRAINT inbox_item_kind_check,
    ADD CONSTRAINT inbox_item_kind_check CHECK (kind IN ('assigned', 'supervised', 'returned', 'overdue', 'move', 'reconciliation', 'dispute'));
