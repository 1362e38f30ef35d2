-- Boundary editing (issue 7): published versions of each village's grids, their history for as-of queries, retired
-- codes, lineage, edit locks and drafts. `grid` stays the current layout, so every existing query keeps working;
-- everything here is keyed by code text, not by foreign keys to `grid`, because history outlives the grid rows.

-- One row per published version of a village's layout (版本). Version 1 is the generated layout.
CREATE TABLE grid_version (
    village_code  text COLLATE "C" NOT NULL CHECK (village_code ~ '^[0-9]{12}$'),
    version       integer NOT NULL CHECK (version >= 1),
    valid_from    timestamptz NOT NULL,
    author        text NOT NULL,
    reason        text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    added         text[] NOT NULL DEFAULT '{}',
    retired       text[] NOT NULL DEFAULT '{}',
    reshaped      text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (village_code, version)
);

-- Every shape a grid has had: valid for versions [from_version, to_version) of its village and for the time
-- [valid_from, valid_to). A retired grid's last row closes and no new one opens, so its code stays answerable.
CREATE TABLE grid_history (
    code          text COLLATE "C" NOT NULL CHECK (code ~ '^[0-9]{15}$'),
    village_code  text COLLATE "C" NOT NULL GENERATED ALWAYS AS (left(code, 12)) STORED,
    from_version  integer NOT NULL,
    to_version    integer CHECK (to_version > from_version),
    valid_from    timestamptz NOT NULL,
    valid_to      timestamptz CHECK (valid_to >= valid_from),
    geom          geometry(MultiPolygon, 4490) NOT NULL,
    PRIMARY KEY (code, from_version)
);
CREATE INDEX grid_history_geom_idx ON grid_history USING gist (geom);
CREATE INDEX grid_history_village_idx ON grid_history (village_code, from_version);
CREATE UNIQUE INDEX grid_history_current_idx ON grid_history (code) WHERE to_version IS NULL;

-- Codes never given again (DOMAIN.md §3): with the village's current grids, every sequence it has used.
CREATE TABLE grid_retired (
    code          text COLLATE "C" PRIMARY KEY CHECK (code ~ '^[0-9]{15}$'),
    village_code  text COLLATE "C" NOT NULL GENERATED ALWAYS AS (left(code, 12)) STORED,
    version       integer NOT NULL,
    retired_at    timestamptz NOT NULL
);
CREATE INDEX grid_retired_village_idx ON grid_retired (village_code);

-- A retired code can never come back into the current layout, whatever writes it.
CREATE FUNCTION grid_code_not_retired() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM grid_retired r WHERE r.code = NEW.code) THEN
        RAISE EXCEPTION 'grid code % was retired and is never reused', NEW.code USING ERRCODE = 'unique_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER grid_code_not_retired BEFORE INSERT ON grid
    FOR EACH ROW WHEN (current_setting('gridmap.bulk_load', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION grid_code_not_retired();

-- Which grids became which (沿革), one row per edit of a published draft, in edit order.
CREATE TABLE grid_lineage (
    village_code  text COLLATE "C" NOT NULL,
    version       integer NOT NULL,
    ordinal       integer NOT NULL,
    edit          text NOT NULL CHECK (edit IN ('split', 'merge', 'reshape', 'carve', 'dissolve', 'replace')),
    from_codes    text[] NOT NULL,
    to_codes      text[] NOT NULL,
    PRIMARY KEY (village_code, version, ordinal)
);

-- A planner's hold on a village (two hours unless extended; GridMap.Domain.Topology.EditLock decides).
CREATE TABLE grid_edit_lock (
    village_code  text COLLATE "C" PRIMARY KEY CHECK (village_code ~ '^[0-9]{12}$'),
    holder        text NOT NULL,
    acquired_at   timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL CHECK (expires_at > acquired_at)
);

-- Drafts as data, one per planner and village (several planners may prepare changes; the lock lets one edit or
-- publish at a time): the grids in metres (the village's Gauss-Krüger zone, srid), the published version the draft
-- started from (publish refuses a stale base) and the draft's own version (each edit names the one it saw).
CREATE TABLE grid_draft (
    village_code       text COLLATE "C" NOT NULL CHECK (village_code ~ '^[0-9]{12}$'),
    author             text NOT NULL,
    base_version       integer NOT NULL,
    draft_version      integer NOT NULL CHECK (draft_version >= 1),
    srid               integer NOT NULL,
    retired_sequences  integer[] NOT NULL DEFAULT '{}',
    lineage            jsonb NOT NULL DEFAULT '[]',
    updated_at         timestamptz NOT NULL,
    PRIMARY KEY (village_code, author)
);

CREATE TABLE grid_draft_grid (
    village_code  text COLLATE "C" NOT NULL,
    author        text NOT NULL,
    code          text COLLATE "C" NOT NULL CHECK (code ~ '^[0-9]{15}$'),
    geom          geometry NOT NULL,
    PRIMARY KEY (village_code, author, code),
    FOREIGN KEY (village_code, author) REFERENCES grid_draft (village_code, author) ON DELETE CASCADE
);

-- A building that fell into another grid on publish gets a new code there (building.code = grid || sequence): the
-- old code stays findable here. Houses and households follow the building by id.
CREATE TABLE building_code_change (
    building_id   bigint NOT NULL,
    old_code      text COLLATE "C" NOT NULL,
    new_code      text COLLATE "C" NOT NULL,
    village_code  text COLLATE "C" NOT NULL,
    version       integer NOT NULL,
    changed_at    timestamptz NOT NULL,
    PRIMARY KEY (building_id, version)
);
CREATE INDEX building_code_change_old_idx ON building_code_change (old_code);

-- Grid managers and accounts a publish could not carry to a new grid: the grid office re-appoints them.
CREATE TABLE grid_manager_flag (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    village_code  text COLLATE "C" NOT NULL,
    version       integer NOT NULL,
    grid_code     text COLLATE "C" NOT NULL,
    name          text NOT NULL,
    phone         text,
    username      text,
    reason        text NOT NULL,
    flagged_at    timestamptz NOT NULL
);
CREATE INDEX grid_manager_flag_village_idx ON grid_manager_flag (village_code, version);

-- Every grid of `grid` as version 1 of its village. The generated layout is Shanxi's as of 2013 (DOMAIN.md), so it
-- is valid from the start of 2013 and as-of queries for the loaded 2013 events find it. ProvinceLoader calls this
-- after each load, with the planning tables emptied.
CREATE FUNCTION planning_baseline(p_valid_from timestamptz DEFAULT '2013-01-01 00:00:00+08') RETURNS void
LANGUAGE sql AS $$
    INSERT INTO grid_history (code, from_version, valid_from, geom)
    SELECT code, 1, p_valid_from, geom FROM grid;
    INSERT INTO grid_version (village_code, version, valid_from, author, reason, added)
    SELECT village_code, 1, p_valid_from, 'generator', 'Generated layout', array_agg(code ORDER BY code)
    FROM grid GROUP BY village_code;
$$;

SELECT planning_baseline();
