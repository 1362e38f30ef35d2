-- The village's grids as published in one version, from history (the current version equals `grid`).
SELECT code, geom
FROM grid_history
WHERE village_code = @village AND from_version <= @version AND (to_version IS NULL OR to_version > @version)
ORDER BY code;
