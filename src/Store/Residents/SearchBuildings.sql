-- Buildings matching a locating query inside the caller's area (@scope): by building code, by address fragment, and
-- the buildings where the residents found by SearchResidents.sql live now (@residents, @resident_matches).
-- Buildings carry no personal data, so this runs outside the row-level-security wall (whose policies would stop the
-- trigram index from serving LIKE) but filters by the area itself.
WITH hits AS (
    SELECT b.id, 'building_code' AS matched, 0 AS rank
    FROM building b
    WHERE b.code = @q AND starts_with(b.grid_code, @scope)
    UNION ALL
    SELECT b.id, 'address', 2
    FROM building b
    WHERE NOT @short AND b.address LIKE '%' || @pattern || '%' ESCAPE '\' AND starts_with(b.grid_code, @scope)
    UNION ALL
    -- Two characters: the pair index (0008) answers what the trigram index cannot.
    SELECT b.id, 'address', 2
    FROM building b
    WHERE @short AND b.address_bigrams @> ARRAY[@q]::text[] AND starts_with(b.grid_code, @scope)
    UNION ALL
    SELECT h.building_id, r.matched, 1
    FROM unnest(@residents::bigint[], @resident_matches::text[]) AS r(person_id, matched)
    JOIN household_member m ON m.person_id = r.person_id AND m.moved_out IS NULL
    JOIN household hh ON hh.id = m.household_id AND starts_with(hh.grid_code, @scope)
    JOIN house h ON h.id = hh.house_id
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
