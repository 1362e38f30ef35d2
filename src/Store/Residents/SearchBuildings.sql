-- Buildings matching a locating query inside the caller's area (@scope): by building code, by address fragment, and
-- the buildings where the residents found by SearchResidents.sql live (@resident_buildings, @resident_matches).
-- Buildings carry no personal data, so this runs outside the row-level-security wall (whose policies would stop the
-- trigram index from serving LIKE) but filters by the area itself.
WITH hits AS (
    SELECT b.id, 'building_code' AS matched, 0 AS rank
    FROM building b
    WHERE b.code = @q AND starts_with(b.grid_code, @scope)
    UNION ALL
    SELECT b.id, 'address', 2
    FROM building b
    WHERE b.address LIKE '%' || @pattern || '%' ESCAPE '\' AND starts_with(b.grid_code, @scope)
    UNION ALL
    SELECT r.id, r.matched, 1
    FROM unnest(@resident_buildings::bigint[], @resident_matches::text[]) AS r(id, matched)
), best AS (
    SELECT id, min(rank) AS rank, (array_agg(matched ORDER BY rank))[1] AS matched
    FROM hits GROUP BY id
)
SELECT b.code, b.grid_code, b.address, b.building_use, b.floors, best.matched,
       ST_X(ST_PointOnSurface(b.geom)), ST_Y(ST_PointOnSurface(b.geom))
FROM best JOIN building b ON b.id = best.id
WHERE starts_with(b.grid_code, @scope)
ORDER BY best.rank, b.code
LIMIT @limit;
