-- A manager of a retired grid moves to the grid (of the new layout) that took most of the old grid's ground, when that
-- grid has no manager yet; of several heading for one grid, the one whose old grid overlaps it most goes.
WITH candidates AS (
    SELECT m.id, m.grid_code AS old_grid, best.code AS target, best.overlap
    FROM grid_manager m
    JOIN grid old ON old.code = m.grid_code
    CROSS JOIN LATERAL (
        SELECT g.code, ST_Area(ST_Intersection(g.geom, old.geom)) AS overlap
        FROM grid g
        WHERE g.village_code = @village AND g.code <> ALL (@retired) AND g.geom && old.geom
        ORDER BY 2 DESC, g.code
        LIMIT 1
    ) best
    WHERE m.grid_code = ANY (@retired)
), ranked AS (
    SELECT c.*, row_number() OVER (PARTITION BY c.target ORDER BY c.overlap DESC, c.old_grid) AS rank
    FROM candidates c
    WHERE c.overlap > 0 AND NOT EXISTS (SELECT 1 FROM grid_manager x WHERE x.grid_code = c.target)
)
UPDATE grid_manager m SET grid_code = r.target
FROM ranked r
WHERE m.id = r.id AND r.rank = 1
RETURNING r.old_grid, r.target, m.name;
