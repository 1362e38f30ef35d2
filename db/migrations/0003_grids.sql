-- Grids (网格): the 15-digit unit under a village, and the grid manager (网格管理员) who staffs it.
CREATE TABLE grid (
    code          text PRIMARY KEY,
    village_code  text NOT NULL REFERENCES admin_unit (code),
    geom          geometry(MultiPolygon, 4490) NOT NULL,
    label_point   geometry(Point, 4490) NOT NULL,
    area_m2       double precision NOT NULL CHECK (area_m2 > 0),
    households    integer NOT NULL CHECK (households >= 0),
    CONSTRAINT grid_code_shape CHECK (code ~ '^[0-9]{15}$' AND right(code, 3) <> '000'),
    CONSTRAINT grid_in_village CHECK (left(code, 12) = village_code),
    CONSTRAINT grid_geom_valid CHECK (ST_IsValid(geom))
);

CREATE INDEX grid_geom_idx ON grid USING gist (geom);
CREATE INDEX grid_village_idx ON grid (village_code);
CREATE INDEX grid_code_prefix_idx ON grid (code text_pattern_ops);

CREATE TABLE grid_manager (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    grid_code     text NOT NULL UNIQUE REFERENCES grid (code),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    phone         text NOT NULL CHECK (phone ~ '^1[0-9]{10}$'),
    appointed_on  date NOT NULL
);

-- Grid, manager and vacancy counts for every unit, rolled up by code prefix. Refreshed after each load or edit.
CREATE MATERIALIZED VIEW unit_grid_summary AS
WITH staffed AS (
    SELECT g.code, (m.grid_code IS NOT NULL) AS has_manager
    FROM grid g LEFT JOIN grid_manager m ON m.grid_code = g.code
)
SELECT left(s.code, l.len) AS unit_code,
       count(*)::int AS grid_count,
       count(*) FILTER (WHERE s.has_manager)::int AS manager_count,
       count(*) FILTER (WHERE NOT s.has_manager)::int AS vacant_count
FROM staffed s
CROSS JOIN (VALUES (2), (4), (6), (9), (12)) AS l(len)
GROUP BY 1;

CREATE UNIQUE INDEX unit_grid_summary_code_idx ON unit_grid_summary (unit_code);
