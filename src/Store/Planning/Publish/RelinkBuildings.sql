-- Each building of the village goes to the grid its point now lies in (centroid, or a point inside when the centroid
-- falls outside, as GridMap.Domain.Geometry.LabelPoint). A building that changes grid takes the next sequences there,
-- so its code (grid || sequence) changes; the old code is kept in building_code_change.
WITH located AS (
    SELECT b.id, b.code AS old_code, b.grid_code AS old_grid,
           (SELECT g.code FROM grid g
            WHERE g.village_code = @village AND g.code <> ALL (@retired) AND g.geom && p.pt AND ST_Covers(g.geom, p.pt)
            ORDER BY g.code LIMIT 1) AS new_grid
    FROM building b
    CROSS JOIN LATERAL (
        SELECT CASE WHEN ST_Covers(b.geom, ST_Centroid(b.geom)) THEN ST_Centroid(b.geom) ELSE ST_PointOnSurface(b.geom) END AS pt
    ) p
    WHERE b.grid_code >= @village AND b.grid_code < @village || ':'
), moving AS (
    SELECT l.id, l.old_code, l.new_grid,
           coalesce((SELECT max(x.seq) FROM building x WHERE x.grid_code = l.new_grid), 0)
               + row_number() OVER (PARTITION BY l.new_grid ORDER BY l.old_code) AS new_seq
    FROM located l
    WHERE l.new_grid IS NOT NULL AND l.new_grid <> l.old_grid
), moved AS (
    UPDATE building b SET grid_code = m.new_grid, seq = m.new_seq, code = m.new_grid || lpad(m.new_seq::text, 5, '0')
    FROM moving m
    WHERE b.id = m.id
    RETURNING b.id, m.old_code, b.code AS new_code
)
INSERT INTO building_code_change (building_id, old_code, new_code, village_code, version, changed_at)
SELECT id, old_code, new_code, @village, @version, @now FROM moved;
