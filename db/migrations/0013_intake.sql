-- Intake's duplicate check (same category, open, within 50 m, last 24 h) by cells instead of a GiST index. The GiST on
-- (category_code, geom_3857) cost a btree_gist descent on every insert and, where reports crowd one grid, many index
-- pages per lookup. A cell is a 200 m square of EPSG:3857 (where 50 m on the ground is at most 50 / cos(60°) = 100
-- units, i.e. anywhere in China): every point within the radius of a report lies in the 2 × 2 block of cells nearest
-- to it, so four btree probes, newest first, find the same duplicate the GiST found.
CREATE FUNCTION event_duplicate_cell(p geometry) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (floor(ST_X(p) / 200)::bigint + 200000) * 400000 + (floor(ST_Y(p) / 200)::bigint + 200000);

-- The cell of p and the three around the corner of it that p is nearest to.
CREATE FUNCTION event_duplicate_cells(p geometry) RETURNS bigint[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (
    SELECT ARRAY[event_duplicate_cell(p), event_duplicate_cell(ST_Translate(p, dx, 0)), event_duplicate_cell(ST_Translate(p, 0, dy)),
                 event_duplicate_cell(ST_Translate(p, dx, dy))]
    FROM (SELECT CASE WHEN ST_X(p) - floor(ST_X(p) / 200) * 200 < 100 THEN -200 ELSE 200 END AS dx,
                 CASE WHEN ST_Y(p) - floor(ST_Y(p) / 200) * 200 < 100 THEN -200 ELSE 200 END AS dy) AS toward
);

ALTER TABLE event ADD COLUMN duplicate_cell bigint GENERATED ALWAYS AS (event_duplicate_cell(ST_Transform(geom, 3857))) STORED;
CREATE INDEX event_open_duplicate_cell_idx ON event (category_code, duplicate_cell, reported_at) WHERE finished_at IS NULL;
DROP INDEX event_open_category_geom_idx;
