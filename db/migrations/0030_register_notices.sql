-- The inbox also tells people of register work waiting for them (issue 17): a move request their grid decides, and a
-- reconciliation item for their department. These items name no event.
ALTER TABLE inbox_item DROP CONSTRAINT inbox_item_kind_check,
    ADD CONSTRAINT inbox_item_kind_check CHECK (kind IN ('assigned', 'supervised', 'returned', 'overdue', 'move', 'reconciliation'));
