-- The grids under a unit (code prefix) for a GIS export: shape, village and figures, and only whether a manager
-- staffs the grid, never who.
SELECT g.code, g.village_code, v.name, g.area_m2, g.households, (m.grid_code IS NOT NULL) AS staffed, g.geom
FROM grid g
JOIN admin_unit v ON v.code = g.village_code
LEFT JOIN grid_manager m ON m.grid_code = g.code
WHERE g.code LIKE @prefix
ORDER BY g.code;
