-- Intake's duplicate check (same category, open, within 50 m, last 24 h) by cells instead of a GiST index. The GiST on
-- (category_code, geom_3857) cost a btree_gist descent on every insert and, where reports crowd one grid, many index
-- pages per lookup. A cell is a 200 m square of EPSG:3857 (where 50 m on the ground is at most 50 / cos(60°) = 100
-- units, i.e. anywhere in China): every point within the radius of a report lies in the 2 × 2 block of cells nearest
-- to it, so four btree probes, newest first, find the same duplicate the GiST found. Both functions are single
-- expressions, so that PostgreSQL inlines them into the query instead of calling them.
CREATE FUNCTION event_duplicate_cell(x float8, y float8) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (floor(x / 200)::bigint + 200000) * 400000 + (floor(y / 200)::bigint + 200000);

-- The cell of (x, y) and the three around the corner of it that (x, y) is nearest to.
CREATE FUNCTION event_duplicate_cells(x float8, y float8) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ARRAY[
    event_duplicate_cell(x, y),
    event_duplicate_cell(x + CASE WHEN x - floor(x / 200) * 200 < 100 THEN -200 ELSE 200 END, y),
    event_duplicate_cell(x, y + CASE WHEN y - floor(y / 200) * 200 < 100 THEN -200 ELSE 200 END),
    event_duplicate_cell(x + CASE WHEN x - floor(x / 200) * 200 < 100 THEN -200 ELSE 200 END,
                         y + CASE WHEN y - floor(y / 200) * 200 < 100 THEN -200 ELSE 200 END)];

ALTER TABLE event ADD COLUMN duplicate_cell bigint
    GENERATED ALWAYS AS (event_duplicate_cell(ST_X(ST_Transform(geom, 3857)), ST_Y(ST_Transform(geom, 3857)))) STORED;
CREATE INDEX event_open_duplicate_cell_idx ON event (category_code, duplicate_cell, reported_at) WHERE finished_at IS NULL;
DROP INDEX event_open_category_geom_idx;
