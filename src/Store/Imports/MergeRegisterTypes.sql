-- The household register (public security) sets the person's register type where it differs.
UPDATE person p
SET register_type = m.register_type
FROM import_match m
WHERE m.outcome = 'merge' AND m.group_code = 'household_register' AND p.id = m.person_id
  AND p.register_type IS DISTINCT FROM m.register_type;
