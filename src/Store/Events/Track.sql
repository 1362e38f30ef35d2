-- What the public sees of an event: category, coarse place (the village), state and the steps by unit, no people.
SELECT e.id, e.tracking_no, c.name, c.name_en, e.state, e.reported_at, e.finished_at, v.name, t.name, e.due
FROM event e
JOIN event_category c ON c.code = e.category_code
LEFT JOIN admin_unit v ON v.code = e.village_code
LEFT JOIN admin_unit t ON t.code = e.township_code
WHERE e.tracking_no = @tracking_no;
