-- Population by building (实有人口、实有房屋, DOMAIN.md §4): building → house → household → person, the department
-- lists merged onto people (special groups), visits, accounts, and the hash-chained audit log.
-- Code columns use the C collation so a scope prefix becomes an index range (code >= p AND code < p || ':').
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE building (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code           text COLLATE "C" NOT NULL UNIQUE,
    grid_code      text COLLATE "C" NOT NULL REFERENCES grid (code),
    seq            integer NOT NULL CHECK (seq BETWEEN 1 AND 99999),
    geom           geometry(Polygon, 4490) NOT NULL,
    geom_3857      geometry(Polygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
    road           text NOT NULL CHECK (length(road) BETWEEN 1 AND 50),
    house_number   text NOT NULL CHECK (length(house_number) BETWEEN 1 AND 20),
    address        text NOT NULL CHECK (length(address) BETWEEN 1 AND 200),
    building_use   text NOT NULL CHECK (building_use IN ('residential', 'mixed', 'commercial', 'public', 'other')),
    floors         smallint NOT NULL CHECK (floors BETWEEN 1 AND 200),
    synthetic      boolean NOT NULL DEFAULT false,
    CONSTRAINT building_code_shape CHECK (code ~ '^[0-9]{20}$' AND code = grid_code || lpad(seq::text, 5, '0')),
    CONSTRAINT building_geom_valid CHECK (ST_IsValid(geom)),
    UNIQUE (grid_code, seq)
);
CREATE INDEX building_grid_idx ON building (grid_code);
CREATE INDEX building_geom_idx ON building USING gist (geom);
CREATE INDEX building_geom_3857_idx ON building USING gist (geom_3857);
CREATE INDEX building_address_trgm_idx ON building USING gin (address gin_trgm_ops);

CREATE TRIGGER building_tiles_changed AFTER INSERT OR UPDATE OR DELETE ON building
    FOR EACH ROW WHEN (current_setting('gridmap.bulk_load', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION row_tiles_changed('buildings');

-- 房屋: a dwelling or room inside a building; a courtyard (院落) is one house.
CREATE TABLE house (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    building_id    bigint NOT NULL REFERENCES building (id),
    unit_no        smallint NOT NULL CHECK (unit_no BETWEEN 1 AND 99),
    room           text NOT NULL CHECK (length(room) BETWEEN 1 AND 20),
    area_m2        real CHECK (area_m2 > 0),
    UNIQUE (building_id, unit_no, room)
);

CREATE TABLE person (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id_number        char(18) COLLATE "C" NOT NULL UNIQUE CHECK (id_number ~ '^[0-9]{17}[0-9X]$'),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    sex              char(1) NOT NULL CHECK (sex IN ('M', 'F')),
    birth_date       date NOT NULL,
    phone            text CHECK (phone ~ '^1[0-9]{10}$'),
    political_status text NOT NULL DEFAULT 'masses'
                     CHECK (political_status IN ('masses', 'party_member', 'probationary_member', 'league_member', 'other_party')),
    register_type    text NOT NULL CHECK (register_type IN ('registered', 'floating', 'foreign')),
    -- Where the person lives now (denormalised from the current household), the area wall's key; null if nowhere known.
    grid_code        text COLLATE "C" REFERENCES grid (code),
    synthetic        boolean NOT NULL DEFAULT false
);
CREATE INDEX person_grid_idx ON person (grid_code);
CREATE INDEX person_name_idx ON person (name, grid_code);

-- 户: register number, type (户籍 registered / 流动 floating / 境外 foreign), the house it lives in.
CREATE TABLE household (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    register_number  text COLLATE "C" NOT NULL UNIQUE CHECK (register_number ~ '^[0-9A-Z]{6,20}$'),
    household_type   text NOT NULL CHECK (household_type IN ('registered', 'floating', 'foreign')),
    house_id         bigint NOT NULL REFERENCES house (id),
    grid_code        text COLLATE "C" NOT NULL REFERENCES grid (code)
);
CREATE INDEX household_house_idx ON household (house_id);
CREATE INDEX household_grid_idx ON household (grid_code);

-- Membership over time: moving out closes a row, moving in opens one; at most one open row per person.
CREATE TABLE household_member (
    household_id  bigint NOT NULL REFERENCES household (id),
    person_id     bigint NOT NULL REFERENCES person (id),
    relation      text NOT NULL CHECK (relation IN ('head', 'spouse', 'child', 'child_in_law', 'grandchild', 'parent',
                                                    'grandparent', 'sibling', 'other')),
    moved_in      date NOT NULL,
    moved_out     date CHECK (moved_out IS NULL OR moved_out >= moved_in),
    PRIMARY KEY (household_id, person_id, moved_in)
);
CREATE UNIQUE INDEX household_member_current_idx ON household_member (person_id) WHERE moved_out IS NULL;
CREATE INDEX household_member_person_idx ON household_member (person_id);

-- 特殊人群: one record per person and group, owned by the department that reports it.
CREATE TABLE special_group (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id           bigint NOT NULL REFERENCES person (id),
    group_code          text NOT NULL CHECK (group_code IN ('low_income', 'social_security', 'mental_health', 'drug_user',
                                                            'released_prisoner', 'community_correction', 'birth')),
    department          text NOT NULL CHECK (department IN ('civil-affairs', 'social-security', 'health', 'public-security', 'justice')),
    risk_level          smallint NOT NULL CHECK (risk_level BETWEEN 1 AND 3),
    registered_on       date NOT NULL,
    visit_cadence_days  smallint NOT NULL CHECK (visit_cadence_days BETWEEN 1 AND 366),
    next_visit_due      date NOT NULL,
    source              text NOT NULL CHECK (length(source) BETWEEN 1 AND 100),
    note                text CHECK (length(note) <= 500),
    UNIQUE (person_id, group_code)
);
CREATE INDEX special_group_due_idx ON special_group (next_visit_due);

CREATE TABLE visit (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    special_group_id  bigint NOT NULL REFERENCES special_group (id),
    visited_on        date NOT NULL,
    visitor           text NOT NULL,
    note              text NOT NULL CHECK (length(note) <= 2000),
    recorded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX visit_group_idx ON visit (special_group_id);

-- Department imports: the run (progress readable while it runs) and the rows it could not merge.
CREATE TABLE dept_import (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    department      text NOT NULL,
    file_name       text NOT NULL,
    file_sha256     text NOT NULL,
    account         text NOT NULL,
    status          text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    total_rows      integer NOT NULL DEFAULT 0,
    processed_rows  integer NOT NULL DEFAULT 0,
    inserted        integer NOT NULL DEFAULT 0,
    updated         integer NOT NULL DEFAULT 0,
    unchanged       integer NOT NULL DEFAULT 0,
    unmatched       integer NOT NULL DEFAULT 0,
    conflicting     integer NOT NULL DEFAULT 0,
    invalid         integer NOT NULL DEFAULT 0,
    error           text,
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz
);

CREATE TABLE dept_import_issue (
    import_id   bigint NOT NULL REFERENCES dept_import (id),
    line        integer NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('invalid', 'unmatched', 'conflicting')),
    id_masked   text,
    reason      text NOT NULL,
    PRIMARY KEY (import_id, line)
);

-- Accounts: a role, an area scope (admin-unit or grid code; the prefix of everything it may see) and data categories.
CREATE TABLE account (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username        text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_.-]{3,40}$'),
    display_name    text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 50),
    password_hash   text NOT NULL,
    role            text NOT NULL,
    scope_code      text COLLATE "C" NOT NULL CHECK (scope_code ~ '^[0-9]{2,15}$'),
    categories      text[] NOT NULL,
    can_unmask      boolean NOT NULL,
    department      text,
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Bearer tokens are opaque; only their SHA-256 is stored, so any API or tile process can check one statelessly.
CREATE TABLE auth_token (
    token_sha256  bytea PRIMARY KEY,
    account_id    bigint NOT NULL REFERENCES account (id),
    issued_at     timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL
);
CREATE INDEX auth_token_account_idx ON auth_token (account_id);

-- The audit log is append-only and hash-chained: each row's hash covers its fields and the previous row's hash
-- (computed by GridMap.Domain.Audit.AuditChain). audit_head holds the chain's tip; appending locks it, so the
-- chain has one order. Updates and deletes are refused here; a superuser who disables that is caught by the chain.
CREATE TABLE audit_log (
    seq        bigint PRIMARY KEY,
    at         timestamptz NOT NULL,
    actor      text NOT NULL,
    action     text NOT NULL,
    subject    text NOT NULL,
    purpose    text NOT NULL,
    detail     text NOT NULL,
    prev_hash  text NOT NULL,
    hash       text NOT NULL
);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, seq);
CREATE INDEX audit_log_subject_idx ON audit_log (subject, seq);

CREATE TABLE audit_head (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    seq        bigint NOT NULL,
    hash       text NOT NULL
);
INSERT INTO audit_head (seq, hash) VALUES (0, repeat('0', 64));

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- The second wall: people queries run as gridmap_scoped with gridmap.scope set to the account's area code, and
-- these policies hide every row outside it even if a query forgot its own filter.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gridmap_scoped') THEN
        CREATE ROLE gridmap_scoped NOLOGIN;
    END IF;
END;
$$;
DO $$
BEGIN
    EXECUTE format('GRANT gridmap_scoped TO %I', current_user);
EXCEPTION WHEN OTHERS THEN
    NULL; -- already a member, or a superuser (who may SET ROLE to anyone)
END;
$$;
GRANT USAGE ON SCHEMA public TO gridmap_scoped;
GRANT SELECT ON building, house, household, household_member, person, special_group, visit, grid, grid_manager,
    admin_unit TO gridmap_scoped;

CREATE FUNCTION in_scope(code text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT code IS NOT NULL AND starts_with(code, coalesce(current_setting('gridmap.scope', true), '~'))
$$;

ALTER TABLE building ENABLE ROW LEVEL SECURITY;
CREATE POLICY building_area ON building FOR SELECT TO gridmap_scoped USING (in_scope(grid_code));
ALTER TABLE household ENABLE ROW LEVEL SECURITY;
CREATE POLICY household_area ON household FOR SELECT TO gridmap_scoped USING (in_scope(grid_code));
ALTER TABLE person ENABLE ROW LEVEL SECURITY;
CREATE POLICY person_area ON person FOR SELECT TO gridmap_scoped USING (in_scope(grid_code));
ALTER TABLE house ENABLE ROW LEVEL SECURITY;
CREATE POLICY house_area ON house FOR SELECT TO gridmap_scoped
    USING (EXISTS (SELECT 1 FROM building b WHERE b.id = building_id));
ALTER TABLE household_member ENABLE ROW LEVEL SECURITY;
CREATE POLICY household_member_area ON household_member FOR SELECT TO gridmap_scoped
    USING (EXISTS (SELECT 1 FROM household h WHERE h.id = household_id));
ALTER TABLE special_group ENABLE ROW LEVEL SECURITY;
CREATE POLICY special_group_area ON special_group FOR SELECT TO gridmap_scoped
    USING (EXISTS (SELECT 1 FROM person p WHERE p.id = person_id));
ALTER TABLE visit ENABLE ROW LEVEL SECURITY;
CREATE POLICY visit_area ON visit FOR SELECT TO gridmap_scoped
    USING (EXISTS (SELECT 1 FROM special_group s WHERE s.id = special_group_id));

-- What a population load put in, like dataset_load for the province.
CREATE TABLE population_load (
    county_code  text PRIMARY KEY REFERENCES admin_unit (code),
    seed         integer NOT NULL,
    generator    text NOT NULL,
    buildings    integer NOT NULL,
    households   integer NOT NULL,
    people       integer NOT NULL,
    loaded_at    timestamptz NOT NULL DEFAULT now()
);
