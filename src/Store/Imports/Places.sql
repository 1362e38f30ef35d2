-- Merged rows that carry a village code: the person's village in the register, and the GridMap villages the code
-- stands for (itself, or what the 2023 crosswalk names, whole townships or counties expanded).
SELECT m.line, m.id_masked, m.village_code, m.address, left(p.grid_code, 12) AS register_village,
       array_agg(v.code ORDER BY v.code) AS codes, array_agg(v.name ORDER BY v.code) AS names
FROM import_match m
JOIN person p ON p.id = m.person_id
JOIN LATERAL (
    SELECT u.code, u.name
    FROM admin_unit u
    WHERE u.level = 5 AND u.code = m.village_code
    UNION
    SELECT u.code, u.name
    FROM division_code_2023 d
    JOIN admin_unit u ON u.level = 5
        AND (u.code = d.code OR (d.method IN ('township', 'county') AND u.code LIKE d.code || '%'))
    WHERE d.level = 'village' AND d.code_2023 = m.village_code
) v ON true
WHERE m.outcome = 'merge' AND m.village_code IS NOT NULL
GROUP BY m.line, m.id_masked, m.village_code, m.address, p.grid_code
ORDER BY m.line;
