-- A one-screen inventory of the database for `gridmap stats`.
SELECT label, value FROM (
    SELECT 1 AS ord, 'cities' AS label, count(*)::text AS value FROM admin_unit WHERE level = 2
    UNION ALL SELECT 2, 'counties', count(*)::text FROM admin_unit WHERE level = 3
    UNION ALL SELECT 3, 'townships', count(*)::text FROM admin_unit WHERE level = 4
    UNION ALL SELECT 4, 'villages', count(*)::text FROM admin_unit WHERE level = 5
    UNION ALL SELECT 5, 'grids', count(*)::text FROM grid
    UNION ALL SELECT 6, 'grid managers', count(*)::text FROM grid_manager
    UNION ALL SELECT 7, 'vacant grids', coalesce((SELECT vacant_count::text FROM unit_grid_summary WHERE unit_code = '14'), '0')
    UNION ALL SELECT 8, 'last load', coalesce((SELECT format('%s seed %s (%s) at %s', kind, seed, generator_version, loaded_at)
                                              FROM dataset_load ORDER BY id DESC LIMIT 1), 'none')
) s ORDER BY ord;
