-- Department data meets field data (issue 15): the health department's list may report deaths (group death_report,
-- 死亡登记; the date column holds the date of death). A report never changes the register by itself: it is kept here,
-- and where the register still has the person living — or a later field change moves them — a reconciliation item
-- goes to the department and the township. Items raised by an import name the import instead of a change.
CREATE TABLE dept_death_report (
    person_id    bigint PRIMARY KEY REFERENCES person (id),
    department   text NOT NULL,
    died_on      date NOT NULL,
    import_id    bigint REFERENCES dept_import (id),
    reported_at  timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE reconciliation_item
    ALTER COLUMN change_id DROP NOT NULL,
    ADD COLUMN import_id bigint REFERENCES dept_import (id),
    ADD CONSTRAINT reconciliation_item_source CHECK (change_id IS NOT NULL OR import_id IS NOT NULL),
    DROP CONSTRAINT reconciliation_item_kind_check,
    ADD CONSTRAINT reconciliation_item_kind_check CHECK (kind IN ('member_moved_out_of_county', 'member_moved_away', 'member_deceased',
        'member_moved_in', 'reported_deceased_resident', 'reported_deceased_moved'));
CREATE INDEX reconciliation_item_import_idx ON reconciliation_item (import_id) WHERE import_id IS NOT NULL;
