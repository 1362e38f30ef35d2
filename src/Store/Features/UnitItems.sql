-- OGC API items of one admin level, in code order, optionally inside a bbox (CGCS2000 lon/lat) or one code.
-- @lat_lon swaps axes for CRSs whose EPSG axis order is latitude first (EPSG:4490, EPSG:4326).
SELECT u.code, u.name, u.parent_code, u.area_m2, u.households, u.boundary_source,
       ST_AsGeoJSON(CASE WHEN @lat_lon THEN ST_FlipCoordinates(u.geom) ELSE u.geom END, 7) AS geometry,
       count(*) OVER () AS matched
FROM admin_unit u
WHERE u.level = @level
  AND (@code::text IS NULL OR u.code = @code)
  AND (@has_bbox = false OR (u.geom && ST_MakeEnvelope(@minx, @miny, @maxx, @maxy, 4490)
                             AND ST_Intersects(u.geom, ST_MakeEnvelope(@minx, @miny, @maxx, @maxy, 4490))))
ORDER BY u.code
LIMIT @limit OFFSET @offset;
