-- The administrative hierarchy above the grid: province (level 1), city (2), county (3), township (4),
-- village (5). A code extends its parent's code, which the constraints below enforce, so "everything under
-- 140428" is the prefix query code LIKE '140428%'.
CREATE TABLE admin_unit (
    code             text PRIMARY KEY,
    level            smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    parent_code      text REFERENCES admin_unit (code),
    -- The 2023 statistical code where GridMap's code differs (crosswalked townships and their villages).
    stat_code_2023   text,
    -- Urban community (居委会) or street (街道) rather than rural village or township.
    urban            boolean NOT NULL DEFAULT false,
    -- Where the polygon comes from: a real source file, a union of real polygons, or the synthetic generator.
    boundary_source  text NOT NULL CHECK (boundary_source IN ('real', 'union', 'synthetic')),
    geom             geometry(MultiPolygon, 4490) NOT NULL,
    label_point      geometry(Point, 4490) NOT NULL,
    seat             geometry(Point, 4490),
    area_m2          double precision NOT NULL CHECK (area_m2 > 0),
    -- Synthetic household estimate used to size grids; real registers arrive with the population data.
    households       integer CHECK (households >= 0),
    CONSTRAINT admin_unit_code_shape CHECK (code ~ '^[0-9]+$' AND length(code) = (ARRAY[2, 4, 6, 9, 12])[level]),
    CONSTRAINT admin_unit_parent_prefix CHECK (
        (level = 1 AND parent_code IS NULL)
        OR (level > 1 AND parent_code = left(code, (ARRAY[2, 4, 6, 9, 12])[level - 1]))),
    CONSTRAINT admin_unit_geom_valid CHECK (ST_IsValid(geom))
);

CREATE INDEX admin_unit_geom_idx ON admin_unit USING gist (geom);
CREATE INDEX admin_unit_parent_idx ON admin_unit (parent_code);
CREATE INDEX admin_unit_code_prefix_idx ON admin_unit (code text_pattern_ops);
CREATE INDEX admin_unit_name_idx ON admin_unit (name text_pattern_ops);
