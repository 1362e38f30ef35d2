-- The layer's extent, which GDAL and QGIS read instead of scanning the table.
UPDATE gpkg_contents SET min_x = $min_x, min_y = $min_y, max_x = $max_x, max_y = $max_y, last_change = $last_change
WHERE table_name = 'grids';
