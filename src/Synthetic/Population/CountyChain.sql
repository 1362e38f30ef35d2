-- The names above a county (province, city, county) that start every address in it.
SELECT p.name AS province_name, ci.name AS city_name, c.name AS county_name
FROM admin_unit c
JOIN admin_unit ci ON ci.code = c.parent_code
JOIN admin_unit p ON p.code = ci.parent_code
WHERE c.code = $1 AND c.level = 3
