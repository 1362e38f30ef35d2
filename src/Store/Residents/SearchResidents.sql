-- The buildings where residents with this exact ID number or name live, inside the caller's area (behind the wall).
SELECT DISTINCT h.building_id, CASE WHEN p.id_number = @q THEN 'id_number' ELSE 'name' END
FROM person p
JOIN household_member m ON m.person_id = p.id AND m.moved_out IS NULL
JOIN household hh ON hh.id = m.household_id
JOIN house h ON h.id = hh.house_id
WHERE (p.id_number = @q OR p.name = @q) AND starts_with(p.grid_code, @scope)
LIMIT @limit;
