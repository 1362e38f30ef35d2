-- Move requests with either side in @scope, pending first then newest; the people as they are named in the register.
SELECT m.id, m.created_at, m.requested_by, m.direction, m.household_id, hh.register_number, m.person_ids,
       array_agg(p.name ORDER BY x.ord), array_agg(p.sex::text ORDER BY x.ord), array_agg(p.birth_date ORDER BY x.ord),
       m.whole_household, m.from_grid, m.to_grid, m.to_house_id, m.to_household_id, m.reason, m.status, m.decided_by, m.decided_at,
       m.decision_reason
FROM move_request m
JOIN household hh ON hh.id = m.household_id
CROSS JOIN LATERAL unnest(m.person_ids) WITH ORDINALITY AS x(person_id, ord)
JOIN person p ON p.id = x.person_id
WHERE (starts_with(m.from_grid, @scope) OR starts_with(m.to_grid, @scope)) AND (@all OR m.status = 'pending')
GROUP BY m.id, hh.register_number
ORDER BY m.status = 'pending' DESC, m.id DESC
LIMIT 500;
