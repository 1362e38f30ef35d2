-- One special-group record by id, if its group is one the caller may read.
SELECT s.id, s.group_code, s.department, s.risk_level, s.registered_on, s.visit_cadence_days, s.next_visit_due, s.source, s.note,
       (SELECT max(v.visited_on) FROM visit v WHERE v.special_group_id = s.id)
FROM special_group s
WHERE s.id = @id AND s.group_code = ANY (@groups)
ORDER BY s.group_code;
