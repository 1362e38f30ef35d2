-- Disputes (矛盾纠纷, issue 18): a case per dispute of a grid, its parties (residents of the register by id — names
-- are shown masked — or outsiders by name), and its append-only history of steps. The level is the admin level that
-- mediates it now (6 grid … 3 county); settled_level where the agreement was reached; the containment figure counts
-- finished cases (settled, closed or referred) by severity and where they ended.
CREATE TABLE dispute (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    grid_code       text COLLATE "C" NOT NULL CHECK (grid_code ~ '^[0-9]{15}$'),
    severity        text NOT NULL CHECK (severity IN ('general', 'large', 'major')),
    kind            text NOT NULL CHECK (length(kind) BETWEEN 1 AND 50),
    summary         text NOT NULL CHECK (length(summary) BETWEEN 2 AND 2000),
    source          text NOT NULL CHECK (source IN ('patrol', 'resident', 'event')),
    event_id        bigint REFERENCES event (id),
    level           smallint NOT NULL CHECK (level BETWEEN 3 AND 6),
    state           text NOT NULL CHECK (state IN ('open', 'mediating', 'settled', 'closed', 'referred')),
    mediator        text CHECK (length(mediator) <= 40),
    due             timestamptz,
    agreement_terms text CHECK (length(agreement_terms) <= 4000),
    settled_level   smallint CHECK (settled_level BETWEEN 3 AND 6),
    referred_to     text CHECK (referred_to IN ('court', 'petition')),
    sessions        integer NOT NULL DEFAULT 0,
    follow_ups      integer NOT NULL DEFAULT 0,
    recorded_by     text NOT NULL,
    recorded_at     timestamptz NOT NULL,
    -- When it was settled or referred: the instant the containment figure counts it in.
    finished_at     timestamptz,
    version         integer NOT NULL DEFAULT 1
);
CREATE INDEX dispute_grid_idx ON dispute (grid_code, recorded_at);
CREATE INDEX dispute_open_due_idx ON dispute (due) WHERE state IN ('open', 'mediating');

CREATE TABLE dispute_party (
    dispute_id  bigint NOT NULL REFERENCES dispute (id),
    seq         smallint NOT NULL,
    -- A resident of the register when known (no foreign key: a county's population reload renumbers people; the name
    -- is kept as recorded).
    person_id   bigint,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    PRIMARY KEY (dispute_id, seq)
);

CREATE TABLE dispute_step (
    dispute_id  bigint NOT NULL REFERENCES dispute (id),
    seq         integer NOT NULL,
    at          timestamptz NOT NULL,
    actor       text NOT NULL,
    action      text NOT NULL,
    level       smallint NOT NULL,
    note        text CHECK (length(note) <= 4000),
    PRIMARY KEY (dispute_id, seq)
);

CREATE FUNCTION dispute_step_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'dispute_step is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER dispute_step_append_only BEFORE UPDATE OR DELETE ON dispute_step
    FOR EACH ROW EXECUTE FUNCTION dispute_step_is_append_only();
