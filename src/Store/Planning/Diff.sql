-- One version's diff: the grids it retired or reshaped as they were before it, and every grid as it was after it.
SELECT h.code, h.geom, 'before' AS side
FROM grid_history h
WHERE h.village_code = @village AND h.to_version = @version
UNION ALL
SELECT h.code, h.geom, 'after'
FROM grid_history h
WHERE h.village_code = @village AND h.from_version <= @version AND (h.to_version IS NULL OR h.to_version > @version)
ORDER BY 3 DESC, 1;
