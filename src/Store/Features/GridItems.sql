-- OGC API items of the grid collection: code, village, staffing, area and household estimate (never the manager:
-- personal data does not leave through this public interface).
SELECT g.code, g.village_code, (m.grid_code IS NULL) AS vacant, g.area_m2, g.households,
       ST_AsGeoJSON(CASE WHEN @lat_lon THEN ST_FlipCoordinates(g.geom) ELSE g.geom END, 7) AS geometry,
       count(*) OVER () AS matched
FROM grid g
LEFT JOIN grid_manager m ON m.grid_code = g.code
WHERE (@code::text IS NULL OR g.code = @code)
  AND (@has_bbox = false OR (g.geom && ST_MakeEnvelope(@minx, @miny, @maxx, @maxy, 4490)
                             AND ST_Intersects(g.geom, ST_MakeEnvelope(@minx, @miny, @maxx, @maxy, 4490))))
ORDER BY g.code
LIMIT @limit OFFSET @offset;
