-- One grid with its manager, if it has one.
SELECT g.code, g.geom, g.area_m2, g.households, ST_X(g.label_point), ST_Y(g.label_point),
       m.name, m.phone, m.appointed_on
FROM grid g
LEFT JOIN grid_manager m ON m.grid_code = g.code
WHERE g.code = @code;
