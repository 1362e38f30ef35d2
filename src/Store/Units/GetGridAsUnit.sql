-- A grid in the shape of a unit, so the drill-down can treat every level alike.
SELECT g.code, g.area_m2, g.households,
       ST_XMin(g.geom), ST_YMin(g.geom), ST_XMax(g.geom), ST_YMax(g.geom),
       ST_X(g.label_point), ST_Y(g.label_point),
       (m.grid_code IS NOT NULL) AS staffed, v.urban
FROM grid g
JOIN admin_unit v ON v.code = g.village_code
LEFT JOIN grid_manager m ON m.grid_code = g.code
WHERE g.code = @code;
