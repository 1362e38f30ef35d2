-- The direct children of a province, city, county or township, with their grid figures.
SELECT c.code, c.name, c.level, coalesce(s.grid_count, 0), coalesce(s.manager_count, 0), coalesce(s.vacant_count, 0),
       c.area_m2, c.households, c.urban, ST_X(c.label_point), ST_Y(c.label_point)
FROM admin_unit c
LEFT JOIN unit_grid_summary s ON s.unit_code = c.code
WHERE c.parent_code = @code
ORDER BY c.code;
