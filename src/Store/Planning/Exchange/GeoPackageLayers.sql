-- The feature tables of an uploaded GeoPackage (SQLite) that really are tables, with their geometry column and SRS.
SELECT c.table_name, g.column_name, g.srs_id
FROM gpkg_contents c
JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
WHERE c.data_type = 'features'
  AND EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'table' AND m.name = c.table_name)
ORDER BY c.table_name;
