-- Whether the population tables hold this county's rows and nothing else, and no other table refers to them: then
-- TRUNCATE clears them at once instead of deleting row by row (every delete checks the rows that refer to it).
WITH population (t) AS (
    SELECT unnest(ARRAY['building', 'house', 'household', 'household_member', 'person', 'special_group', 'visit', 'register_change', 'move_request', 'reconciliation_item']::regclass[])
)
SELECT NOT EXISTS (SELECT 1 FROM building WHERE grid_code < $1 OR grid_code >= $1 || ':')
   AND NOT EXISTS (SELECT 1 FROM household WHERE grid_code < $1 OR grid_code >= $1 || ':')
   AND NOT EXISTS (SELECT 1 FROM person WHERE grid_code IS NULL OR grid_code < $1 OR grid_code >= $1 || ':')
   AND NOT EXISTS (SELECT 1 FROM register_change WHERE grid_code < $1 OR grid_code >= $1 || ':')
   AND NOT EXISTS (
       SELECT 1 FROM pg_constraint
       WHERE contype = 'f' AND confrelid IN (SELECT t FROM population) AND conrelid NOT IN (SELECT t FROM population))
