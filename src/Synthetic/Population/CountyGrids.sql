-- The county's grids with the names of their village and township, for the population generator.
SELECT g.code, g.village_code, v.name AS village_name, v.urban, t.name AS township_name, g.households, g.geom
FROM grid g
JOIN admin_unit v ON v.code = g.village_code
JOIN admin_unit t ON t.code = v.parent_code
WHERE starts_with(g.code, $1)
ORDER BY g.code COLLATE "C"
