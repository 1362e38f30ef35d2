-- One special-group record inside the caller's area, for recording a visit.
SELECT s.id, s.group_code, s.visit_cadence_days, s.next_visit_due, p.grid_code
FROM special_group s JOIN person p ON p.id = s.person_id
WHERE s.id = @id AND starts_with(p.grid_code, @scope)
FOR UPDATE OF s;
