-- The village's buildings, each at its point (centroid, or a point inside when the centroid falls outside — the rule
-- of GridMap.Domain.Geometry.LabelPoint and of the publish check), with the households living there and their current
-- members (for the guideline preview).
SELECT b.code, ST_X(p.pt), ST_Y(p.pt),
       (SELECT count(*) FROM house hs JOIN household h ON h.house_id = hs.id AND h.dissolved_on IS NULL WHERE hs.building_id = b.id)::int,
       (SELECT count(*) FROM house hs JOIN household h ON h.house_id = hs.id
            JOIN household_member m ON m.household_id = h.id AND m.moved_out IS NULL
        WHERE hs.building_id = b.id)::int
FROM building b
CROSS JOIN LATERAL (
    SELECT CASE WHEN ST_Covers(b.geom, ST_Centroid(b.geom)) THEN ST_Centroid(b.geom) ELSE ST_PointOnSurface(b.geom) END AS pt
) p
WHERE b.grid_code >= @village AND b.grid_code < @village || ':';
