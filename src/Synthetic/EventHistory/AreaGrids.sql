-- The grids of an area (a city, or the province) with their village's urban flag and household estimate.
SELECT g.code, v.urban, g.households, g.geom
FROM grid g
JOIN admin_unit v ON v.code = g.village_code
WHERE starts_with(g.code, $1)
ORDER BY g.code
