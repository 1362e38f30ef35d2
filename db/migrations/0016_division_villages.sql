-- The GridMap villages an outside village code stands for, in one place for every reader (Open311 placement,
-- department imports): the village itself for a GridMap code; for a 2023 statistical code, every village the
-- crosswalk names, a whole township or county expanded where no predecessor was found.
CREATE FUNCTION division_villages(outside_code text)
RETURNS TABLE (code text, name text, label_point geometry)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT u.code, u.name, u.label_point
    FROM admin_unit u
    WHERE u.level = 5 AND u.code = outside_code
    UNION
    SELECT u.code, u.name, u.label_point
    FROM division_code_2023 d
    JOIN admin_unit u ON u.level = 5
        AND (u.code = d.code OR (d.method IN ('township', 'county') AND u.code LIKE d.code || '%'))
    WHERE d.level = 'village' AND d.code_2023 = outside_code
$$;
