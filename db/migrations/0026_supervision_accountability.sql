-- Supervision from every level and accountability (督办、问责; issue 17). A supervision may ask the step's holder for an
-- answer by a deadline; the event keeps that deadline until they answer. Accountability records are created by the
-- workflow exactly when a step goes overdue, when handling is reworked after a failed verification, or when a centre
-- names someone; a supervising centre closes each with an outcome. Records are never deleted; closing is the one update.
ALTER TABLE event ADD COLUMN supervision_answer_due timestamptz,
                  ADD COLUMN supervised_by          text CHECK (length(supervised_by) <= 40);

CREATE TABLE accountability (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     bigint NOT NULL REFERENCES event (id),
    -- The history line that created it.
    seq          integer NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('overdue', 'rework', 'named')),
    -- The account held to account; null when nobody of the unit had taken the step (the unit answers for it).
    person       text CHECK (length(person) <= 100),
    unit         text NOT NULL,
    department   text,
    grid_code    text NOT NULL,
    reason       text NOT NULL CHECK (length(reason) <= 600),
    created_at   timestamptz NOT NULL,
    closed_at    timestamptz,
    closed_by    text,
    outcome      text CHECK (length(outcome) BETWEEN 1 AND 500),
    CHECK ((closed_at IS NULL) = (closed_by IS NULL) AND (closed_at IS NULL) = (outcome IS NULL)),
    UNIQUE (event_id, seq, kind)
);
CREATE INDEX accountability_grid_idx ON accountability (grid_code text_pattern_ops);
CREATE INDEX accountability_person_idx ON accountability (person) WHERE person IS NOT NULL;

-- Only an open record is closed, once; nothing else changes or disappears.
CREATE FUNCTION accountability_closes_once() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.closed_at IS NOT NULL
       OR (NEW.event_id, NEW.seq, NEW.kind, NEW.person, NEW.unit, NEW.department, NEW.grid_code, NEW.reason, NEW.created_at)
          IS DISTINCT FROM (OLD.event_id, OLD.seq, OLD.kind, OLD.person, OLD.unit, OLD.department, OLD.grid_code, OLD.reason, OLD.created_at)
    THEN
        RAISE EXCEPTION 'accountability records are only closed, once';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER accountability_closes_once BEFORE UPDATE OR DELETE ON accountability
    FOR EACH ROW EXECUTE FUNCTION accountability_closes_once();
