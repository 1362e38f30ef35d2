-- Special-group records inside an area (the caller's or narrower) that the caller may read, soonest visit first.
SELECT s.id, s.group_code, s.department, s.risk_level, s.next_visit_due, s.visit_cadence_days,
       p.id, p.name, p.sex, p.birth_date, p.id_number, p.grid_code,
       (SELECT b.code FROM household_member m JOIN household hh ON hh.id = m.household_id JOIN house h ON h.id = hh.house_id
          JOIN building b ON b.id = h.building_id WHERE m.person_id = p.id AND m.moved_out IS NULL)
FROM special_group s
JOIN person p ON p.id = s.person_id
WHERE starts_with(p.grid_code, @scope) AND starts_with(p.grid_code, @area)
  AND s.group_code = ANY (@groups)
  AND (@due_before::date IS NULL OR s.next_visit_due <= @due_before)
ORDER BY s.next_visit_due, s.id
LIMIT @limit;
