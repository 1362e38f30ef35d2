-- The GridMap villages an outside village code stands for, with their label points: the village itself for a GridMap
-- code; for a 2023 statistical code, every village the crosswalk names (all villages of a township or county where
-- no predecessor was found). $1 the 12-digit code.
SELECT u.code, u.name, ST_X(u.label_point), ST_Y(u.label_point)
FROM admin_unit u
WHERE u.level = 5 AND u.code = $1
UNION
SELECT u.code, u.name, ST_X(u.label_point), ST_Y(u.label_point)
FROM division_code_2023 d
JOIN admin_unit u ON u.level = 5
    AND (u.code = d.code OR (d.method IN ('township', 'county') AND u.code LIKE d.code || '%'))
WHERE d.level = 'village' AND d.code_2023 = $1
ORDER BY 1;
