-- The periodic freshness refresh: rows of grids that no longer exist (retired by a publish) go, and grids whose oldest
-- fresh household has aged out are recomputed. Every writer of households (register changes, population loads,
-- publishes) recomputes its own grids, so nothing else needs a scan of the households here.
WITH gone AS (
    DELETE FROM grid_freshness f WHERE NOT EXISTS (SELECT 1 FROM grid g WHERE g.code = f.grid_code)
)
SELECT coalesce(refresh_grid_freshness(array_agg(grid_code)), 0) FROM grid_freshness WHERE next_expiry <= now();
