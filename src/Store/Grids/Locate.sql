-- The grid containing a point. A point exactly on a shared border belongs to the grid with the lower code.
SELECT g.code
FROM grid g
WHERE g.geom && ST_SetSRID(ST_MakePoint(@lon, @lat), 4490)
  AND ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(@lon, @lat), 4490))
ORDER BY g.code
LIMIT 1;
