-- Households follow their building (by id, through the house), people their current household; anyone still on a
-- retired grid with no household to follow is placed nowhere (grid_code null), as the register allows.
WITH moved AS (
    UPDATE household h SET grid_code = b.grid_code
    FROM house hs JOIN building b ON b.id = hs.building_id
    WHERE h.house_id = hs.id AND b.grid_code >= @village AND b.grid_code < @village || ':' AND h.grid_code <> b.grid_code
    RETURNING h.id, h.grid_code
), people AS (
    UPDATE person p SET grid_code = mv.grid_code
    FROM household_member m JOIN moved mv ON mv.id = m.household_id
    WHERE m.person_id = p.id AND m.moved_out IS NULL AND p.grid_code IS DISTINCT FROM mv.grid_code
    RETURNING p.id
)
SELECT (SELECT count(*) FROM moved)::int, (SELECT count(*) FROM people)::int;
