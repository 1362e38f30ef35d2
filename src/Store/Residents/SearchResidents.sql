-- Residents with this exact ID number (@id, null unless the query is a valid one) or name, inside the caller's area
-- (behind the wall). The ID number is compared as char(18) so its unique index serves it.
SELECT p.id, CASE WHEN p.name = @name THEN 'name' ELSE 'id_number' END
FROM person p
WHERE (p.id_number = @id::char(18) OR p.name = @name) AND starts_with(p.grid_code, @scope)
LIMIT 500;
