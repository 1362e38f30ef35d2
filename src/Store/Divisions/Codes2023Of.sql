-- The 2023 village codes that stand for a GridMap village (alone or among others). $1 the village code.
SELECT d.code_2023
FROM division_code_2023 d
WHERE d.level = 'village' AND d.code IN ($1, left($1, 9), left($1, 6))
ORDER BY 1;
