-- Label points of the grids without a manager, inside a unit (code prefix), as one GeoJSON FeatureCollection.
SELECT json_build_object(
    'type', 'FeatureCollection',
    'features', coalesce(json_agg(json_build_object(
        'type', 'Feature',
        'id', g.code,
        'geometry', ST_AsGeoJSON(g.label_point, 6)::json,
        'properties', json_build_object('code', g.code, 'village', g.village_code)) ORDER BY g.code), '[]'::json))::text
FROM grid g
WHERE g.code LIKE @prefix
  AND NOT EXISTS (SELECT 1 FROM grid_manager m WHERE m.grid_code = g.code);
