-- One person inside the caller's area, with every household membership (current and past) and address.
SELECT p.id, p.name, p.sex, p.birth_date, p.id_number, p.phone, p.register_type, p.political_status, p.grid_code,
       m.relation, m.moved_in, m.moved_out, hh.register_number, hh.household_type, b.code, b.address, h.unit_no, h.room
FROM person p
LEFT JOIN household_member m ON m.person_id = p.id
LEFT JOIN household hh ON hh.id = m.household_id
LEFT JOIN house h ON h.id = hh.house_id
LEFT JOIN building b ON b.id = h.building_id
WHERE p.id = @id AND starts_with(p.grid_code, @scope)
ORDER BY m.moved_out NULLS FIRST, m.moved_in DESC;
