-- The grids of a village with their managers (vacant grids have none) and whether the village is urban.
SELECT g.code, g.area_m2, g.households, m.name, ST_X(g.label_point), ST_Y(g.label_point), v.urban
FROM grid g
JOIN admin_unit v ON v.code = g.village_code
LEFT JOIN grid_manager m ON m.grid_code = g.code
WHERE g.village_code = @code
ORDER BY g.code;
