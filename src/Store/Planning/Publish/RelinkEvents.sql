-- Open events go to the grid their point lies in now, and name their building by its new code; finished events keep
-- the grid (and building code) they were reported in, so indicators stay "by the grids as they were".
WITH open_events AS (
    SELECT e.id, e.grid_code AS old_grid,
           (SELECT g.code FROM grid g
            WHERE g.village_code = @village AND g.code <> ALL (@retired) AND g.geom && e.geom AND ST_Covers(g.geom, e.geom)
            ORDER BY g.code LIMIT 1) AS new_grid,
           (SELECT c.new_code FROM building_code_change c WHERE c.old_code = e.building_code AND c.version = @version AND c.village_code = @village) AS new_building
    FROM event e
    WHERE e.county_code = left(@village, 6) AND e.village_code = @village
      AND e.state NOT IN ('Closed', 'Rejected', 'Voided')
)
-- The workflow version is left alone: it counts the event's history entries, and a new grid is no workflow step.
UPDATE event e SET grid_code = coalesce(o.new_grid, e.grid_code), building_code = coalesce(o.new_building, e.building_code),
    updated_at = @now
FROM open_events o
WHERE e.id = o.id AND (o.new_grid <> o.old_grid OR o.new_building IS NOT NULL)
RETURNING e.id, e.county_code, e.version;
