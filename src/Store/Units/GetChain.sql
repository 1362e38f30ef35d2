-- The named ancestors of a code (its prefixes), province first.
SELECT code, name, level
FROM admin_unit
WHERE code = ANY(@codes)
ORDER BY level;
