-- Grids sharing a stretch of border with the given grid (touching at a corner only does not count).
SELECT n.code
FROM grid g
JOIN grid n ON n.code <> g.code AND n.geom && g.geom AND ST_Relate(g.geom, n.geom, 'F***1****')
WHERE g.code = @code
ORDER BY n.code;
