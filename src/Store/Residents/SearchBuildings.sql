-- Buildings matching a locating query inside the caller's area (@scope): by building code, by address fragment,
-- and (when @with_people) by a resident's name or exact ID number. Best matches first.
WITH hits AS (
    SELECT b.id, 'building_code' AS matched, 0 AS rank
    FROM building b
    WHERE b.code = @q AND starts_with(b.grid_code, @scope)
    UNION ALL
    SELECT b.id, 'address', 2
    FROM building b
    WHERE b.address LIKE '%' || @pattern || '%' ESCAPE '\' AND starts_with(b.grid_code, @scope)
    UNION ALL
    SELECT h.building_id, 'id_number', 1
    FROM person p
    JOIN household_member m ON m.person_id = p.id AND m.moved_out IS NULL
    JOIN household hh ON hh.id = m.household_id
    JOIN house h ON h.id = hh.house_id
    WHERE @with_people AND p.id_number = @q AND starts_with(p.grid_code, @scope)
    UNION ALL
    SELECT h.building_id, 'name', 1
    FROM person p
    JOIN household_member m ON m.person_id = p.id AND m.moved_out IS NULL
    JOIN household hh ON hh.id = m.household_id
    JOIN house h ON h.id = hh.house_id
    WHERE @with_people AND p.name = @q AND starts_with(p.grid_code, @scope)
), best AS (
    SELECT id, min(rank) AS rank, (array_agg(matched ORDER BY rank))[1] AS matched
    FROM hits GROUP BY id
)
SELECT b.code, b.grid_code, b.address, b.building_use, b.floors, best.matched,
       ST_X(ST_PointOnSurface(b.geom)), ST_Y(ST_PointOnSurface(b.geom))
FROM best JOIN building b ON b.id = best.id
ORDER BY best.rank, b.code
LIMIT @limit;
