-- A village and its current published version (none before the baseline ran).
SELECT a.name, ST_X(a.label_point), a.urban, v.version, v.valid_from
FROM admin_unit a
LEFT JOIN LATERAL (
    SELECT version, valid_from FROM grid_version WHERE village_code = a.code ORDER BY version DESC LIMIT 1
) v ON true
WHERE a.code = @village AND a.level = 5;
