-- The outline of a unit or grid as GeoJSON (6 decimals: about 0.1 m), for highlighting on the map.
SELECT ST_AsGeoJSON(geom, 6) FROM admin_unit WHERE code = @code
UNION ALL
SELECT ST_AsGeoJSON(geom, 6) FROM grid WHERE code = @code;
