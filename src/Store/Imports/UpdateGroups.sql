-- Updates the special groups the list already had whose values differ; records that already hold are not touched,
-- so re-importing a file changes nothing. The next visit stays as the grid manager's schedule has it.
-- $1 department, $2 its group codes, $3 their default visit cadences in days.
UPDATE special_group g
SET department = $1, risk_level = i.risk_level, registered_on = i.registered_on, note = i.note,
    visit_cadence_days = c.cadence, source = 'dept:' || $1
FROM import_match i
JOIN unnest($2::text[], $3::smallint[]) AS c (group_code, cadence) USING (group_code)
WHERE i.outcome = 'merge' AND g.person_id = i.person_id AND g.group_code = i.group_code
  AND (g.department, g.risk_level, g.registered_on, g.note, g.visit_cadence_days, g.source)
      IS DISTINCT FROM ($1, i.risk_level, i.registered_on, i.note, c.cadence, 'dept:' || $1);
