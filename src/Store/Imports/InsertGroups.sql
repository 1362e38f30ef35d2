-- Inserts the special groups the register does not have yet; the first visit is due one cadence after registration.
-- $1 department, $2 its group codes, $3 their default visit cadences in days.
-- A plain insert, in person order (index and foreign-key lookups stay local): imports of one department hold a lock,
-- so only a record created by hand at this very moment could collide, and that fails the import (retry it) rather
-- than paying ON CONFLICT's cost on every row.
INSERT INTO special_group
    (person_id, group_code, department, risk_level, registered_on, visit_cadence_days, next_visit_due, source, note)
SELECT i.person_id, i.group_code, $1, i.risk_level, i.registered_on, c.cadence, i.registered_on + c.cadence, 'dept:' || $1, i.note
FROM import_match i
JOIN unnest($2::text[], $3::smallint[]) AS c (group_code, cadence) USING (group_code)
WHERE i.outcome = 'merge'
  AND NOT EXISTS (SELECT 1 FROM special_group s WHERE s.person_id = i.person_id AND s.group_code = i.group_code)
ORDER BY i.person_id;
