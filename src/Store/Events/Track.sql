-- What the public sees of an event: category, coarse place (the village), state, the steps by unit and the role of
-- whoever holds the current step, no people.
SELECT e.id, e.tracking_no, c.name, c.name_en, e.state, e.reported_at, e.finished_at, v.name, t.name, e.due, a.role AS holder_role
FROM event e
JOIN event_category c ON c.code = e.category_code
LEFT JOIN admin_unit v ON v.code = e.village_code
LEFT JOIN admin_unit t ON t.code = e.township_code
LEFT JOIN account a ON a.username = e.holder
WHERE e.tracking_no = @tracking_no;
