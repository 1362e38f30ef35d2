-- The grid whose shape held the point at @moment (the end of the asked day), retired or not. On a shared border the
-- lower code wins, as in Grids/Locate.sql. The area is that of the shape on the day (ellipsoidal).
SELECT h.code, EXISTS (SELECT 1 FROM grid_retired r WHERE r.code = h.code), h.from_version, h.valid_from, h.valid_to,
       ST_Area(h.geom::geography) AS area_m2
FROM grid_history h
WHERE h.geom && ST_SetSRID(ST_MakePoint(@lon, @lat), 4490)
  AND ST_Covers(h.geom, ST_SetSRID(ST_MakePoint(@lon, @lat), 4490))
  AND h.valid_from < @moment AND (h.valid_to IS NULL OR h.valid_to >= @moment)
ORDER BY h.code
LIMIT 1;
