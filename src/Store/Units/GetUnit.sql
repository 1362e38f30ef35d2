-- One admin unit with its rolled-up grid figures and its number of direct children.
SELECT u.code, u.name, u.level, u.area_m2, u.households, u.urban, u.boundary_source, u.stat_code_2016,
       ST_XMin(u.geom), ST_YMin(u.geom), ST_XMax(u.geom), ST_YMax(u.geom),
       ST_X(u.label_point), ST_Y(u.label_point),
       coalesce(s.grid_count, 0), coalesce(s.manager_count, 0), coalesce(s.vacant_count, 0),
       CASE WHEN u.level = 5
            THEN (SELECT count(*) FROM grid g WHERE g.village_code = u.code)
            ELSE (SELECT count(*) FROM admin_unit c WHERE c.parent_code = u.code)
       END::int AS child_count
FROM admin_unit u
LEFT JOIN unit_grid_summary s ON s.unit_code = u.code
WHERE u.code = @code;
