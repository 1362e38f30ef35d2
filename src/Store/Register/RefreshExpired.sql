-- The periodic freshness refresh: rows of grids that no longer exist go, grids whose oldest fresh household has aged
-- out and grids with households but no row yet are recomputed.
WITH gone AS (
    DELETE FROM grid_freshness f WHERE NOT EXISTS (SELECT 1 FROM grid g WHERE g.code = f.grid_code)
),
due AS (
    SELECT grid_code FROM grid_freshness WHERE next_expiry <= now()
    UNION
    SELECT DISTINCT hh.grid_code FROM household hh
    WHERE hh.dissolved_on IS NULL AND NOT EXISTS (SELECT 1 FROM grid_freshness f WHERE f.grid_code = hh.grid_code)
)
SELECT coalesce(refresh_grid_freshness(array_agg(grid_code)), 0) FROM due;
