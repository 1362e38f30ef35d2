-- The register's write path (issue 15): grid managers and village/township/county staff add, move, verify and correct
-- people, households, houses and buildings. Every record gets a row version (optimistic concurrency: a change based
-- on an older version is refused), every change a row in register_change (kind, reason, before and after), moves
-- into another grid a move_request the other side decides, contradictions with department lists a
-- reconciliation_item, and every grid a freshness row (households verified or changed within the window).

-- Row versions start at 1 and go up by one on every update, whoever makes it (the trigger, not the writer).
ALTER TABLE building ADD COLUMN row_version integer NOT NULL DEFAULT 1;
ALTER TABLE house ADD COLUMN row_version integer NOT NULL DEFAULT 1,
                  ADD COLUMN vacant boolean NOT NULL DEFAULT false;
ALTER TABLE household ADD COLUMN row_version integer NOT NULL DEFAULT 1,
                      -- Last verified on the spot or changed; null: not since it was loaded.
                      ADD COLUMN confirmed_at timestamptz,
                      -- Set when its last member leaves or the whole household moves away from the province.
                      ADD COLUMN dissolved_on date;
ALTER TABLE person ADD COLUMN row_version integer NOT NULL DEFAULT 1,
                   ADD COLUMN status text NOT NULL DEFAULT 'resident' CHECK (status IN ('resident', 'moved_away', 'deceased')),
                   ADD COLUMN death_date date,
                   ADD CONSTRAINT person_death CHECK ((status = 'deceased') = (death_date IS NOT NULL) AND (death_date IS NULL OR death_date >= birth_date));

CREATE FUNCTION bump_row_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.row_version := OLD.row_version + 1;
    RETURN NEW;
END;
$$;
CREATE TRIGGER building_row_version BEFORE UPDATE ON building FOR EACH ROW EXECUTE FUNCTION bump_row_version();
CREATE TRIGGER house_row_version BEFORE UPDATE ON house FOR EACH ROW EXECUTE FUNCTION bump_row_version();
CREATE TRIGGER household_row_version BEFORE UPDATE ON household FOR EACH ROW EXECUTE FUNCTION bump_row_version();
CREATE TRIGGER person_row_version BEFORE UPDATE ON person FOR EACH ROW EXECUTE FUNCTION bump_row_version();

-- Register numbers of households started in GridMap: GM and ten digits.
CREATE SEQUENCE household_number_seq;

CREATE INDEX household_open_grid_idx ON household (grid_code) INCLUDE (confirmed_at) WHERE dissolved_on IS NULL;

-- One row per change, newest last; a correction names the change it corrects and both stay.
CREATE TABLE register_change (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at               timestamptz NOT NULL DEFAULT now(),
    actor            text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('add_person', 'start_household', 'move', 'move_requested', 'move_accepted',
                                                   'move_refused', 'birth', 'death', 'add_building', 'add_houses', 'change_building',
                                                   'mark_house', 'verify', 'update_person', 'correct_person')),
    subject          text NOT NULL CHECK (subject ~ '^(person|household|house|building|move):[0-9]+$'),
    -- The grid the change happened in (for a move, the grid left); the area wall's key for listing history.
    grid_code        text COLLATE "C" NOT NULL,
    reason           text NOT NULL CHECK (length(reason) BETWEEN 2 AND 500),
    before           jsonb,
    after            jsonb,
    corrects         bigint REFERENCES register_change (id),
    idempotency_key  text CHECK (length(idempotency_key) BETWEEN 8 AND 100),
    result           jsonb
);
CREATE INDEX register_change_subject_idx ON register_change (subject, id);
CREATE INDEX register_change_grid_idx ON register_change (grid_code, id);
CREATE UNIQUE INDEX register_change_idempotency_idx ON register_change (actor, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- A move into a grid the mover does not cover waits for that grid's side to decide; so does a claim on a person
-- registered in another grid (the side that holds them decides). Both grids see it.
CREATE TABLE move_request (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at       timestamptz NOT NULL DEFAULT now(),
    requested_by     text NOT NULL,
    direction        text NOT NULL CHECK (direction IN ('out', 'claim')),
    household_id     bigint NOT NULL REFERENCES household (id),
    whole_household  boolean NOT NULL,
    person_ids       bigint[] NOT NULL CHECK (cardinality(person_ids) BETWEEN 1 AND 50),
    from_grid        text COLLATE "C" NOT NULL,
    to_grid          text COLLATE "C" NOT NULL,
    -- The house named by the side that asked, when it knows one (a claim always does); the deciding side may choose another.
    to_house_id      bigint REFERENCES house (id),
    to_household_id  bigint REFERENCES household (id),
    relation         text,
    reason           text NOT NULL CHECK (length(reason) BETWEEN 2 AND 500),
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'refused', 'cancelled')),
    decided_by       text,
    decided_at       timestamptz,
    decision_reason  text,
    CONSTRAINT move_request_between_grids CHECK (from_grid <> to_grid)
);
CREATE INDEX move_request_pending_idx ON move_request USING gin (person_ids) WHERE status = 'pending';
CREATE INDEX move_request_from_idx ON move_request (from_grid, status);
CREATE INDEX move_request_to_idx ON move_request (to_grid, status);

-- A field change that contradicts a department's list: kept, and listed for the department and the township until
-- someone resolves it.
CREATE TABLE reconciliation_item (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at     timestamptz NOT NULL DEFAULT now(),
    change_id      bigint NOT NULL REFERENCES register_change (id),
    person_id      bigint NOT NULL REFERENCES person (id),
    special_group_id bigint REFERENCES special_group (id),
    department     text NOT NULL,
    township_code  text COLLATE "C" NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('member_moved_out_of_county', 'member_moved_away', 'member_deceased', 'member_moved_in')),
    detail         text NOT NULL,
    status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    resolved_by    text,
    resolved_at    timestamptz,
    resolution     text CHECK (length(resolution) <= 500)
);
CREATE INDEX reconciliation_item_township_idx ON reconciliation_item (township_code, status);
CREATE INDEX reconciliation_item_department_idx ON reconciliation_item (department, status);

-- How long a verification or change keeps a household fresh.
CREATE TABLE register_setting (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    fresh_days  integer NOT NULL DEFAULT 90 CHECK (fresh_days BETWEEN 1 AND 3650)
);
INSERT INTO register_setting DEFAULT VALUES;

-- Freshness per grid, kept current by the writers (same transaction as the change) and by a periodic refresh of the
-- grids whose oldest fresh household has aged out (next_expiry). Rollups are sums over these rows by code prefix,
-- so every level shows the same numbers.
CREATE TABLE grid_freshness (
    grid_code    text COLLATE "C" PRIMARY KEY,
    households   integer NOT NULL CHECK (households >= 0),
    fresh        integer NOT NULL CHECK (fresh BETWEEN 0 AND households),
    next_expiry  timestamptz,
    computed_at  timestamptz NOT NULL
);
CREATE INDEX grid_freshness_expiry_idx ON grid_freshness (next_expiry) WHERE next_expiry IS NOT NULL;

CREATE FUNCTION refresh_grid_freshness(codes text[]) RETURNS integer
LANGUAGE sql AS $$
    WITH window_days AS (SELECT make_interval(days => fresh_days) AS span FROM register_setting),
    figures AS (
        SELECT c.code,
               count(hh.id)::integer AS households,
               (count(hh.id) FILTER (WHERE hh.confirmed_at > now() - w.span))::integer AS fresh,
               min(hh.confirmed_at + w.span) FILTER (WHERE hh.confirmed_at > now() - w.span) AS next_expiry
        FROM unnest(codes) AS c(code)
        CROSS JOIN window_days w
        LEFT JOIN household hh ON hh.grid_code = c.code COLLATE "C" AND hh.dissolved_on IS NULL
        GROUP BY c.code
    ),
    written AS (
        INSERT INTO grid_freshness (grid_code, households, fresh, next_expiry, computed_at)
        SELECT code, households, fresh, next_expiry, now() FROM figures
        ON CONFLICT (grid_code) DO UPDATE
            SET households = EXCLUDED.households, fresh = EXCLUDED.fresh, next_expiry = EXCLUDED.next_expiry,
                computed_at = EXCLUDED.computed_at
        RETURNING 1
    )
    SELECT count(*)::integer FROM written
$$;

-- Every grid that has households now (an existing cluster upgrading); new loads refresh their own grids.
SELECT refresh_grid_freshness(array_agg(DISTINCT grid_code)) FROM household;

GRANT SELECT ON grid_freshness, register_setting TO gridmap_scoped;
