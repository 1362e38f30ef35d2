-- Merged rows that carry a village code: the person's village in the register, and the GridMap villages the code
-- stands for (division_villages: itself, or what the 2023 crosswalk names).
SELECT m.line, m.id_masked, m.village_code, m.address, left(p.grid_code, 12) AS register_village,
       array_agg(v.code ORDER BY v.code) AS codes, array_agg(v.name ORDER BY v.code) AS names
FROM import_match m
JOIN person p ON p.id = m.person_id
CROSS JOIN LATERAL division_villages(m.village_code) v
WHERE m.outcome = 'merge' AND m.village_code IS NOT NULL
GROUP BY m.line, m.id_masked, m.village_code, m.address, p.grid_code
ORDER BY m.line;
