-- PostGIS judges the written layout again, in the publishing transaction: valid polygons, no overlap between grids of
-- the village beyond the tolerance, the same ground covered as before the publish (the village's outline is not the
-- planner's to move), every building of the village in exactly one grid. One row per broken rule.
WITH g AS (
    SELECT code, geom FROM grid WHERE village_code = @village AND code <> ALL (@retired)
), invalid AS (
    SELECT 'invalidPolygon' AS rule, ARRAY[code] AS codes, 'Grid ' || code || ' is not valid: ' || ST_IsValidReason(geom) AS message,
           ST_PointOnSurface(geom) AS location
    FROM g WHERE NOT ST_IsValid(geom)
), overlap AS (
    SELECT 'overlap', ARRAY[a.code, b.code],
           'Grids ' || a.code || ' and ' || b.code || ' overlap by ' || round(ST_Area(ST_Intersection(a.geom, b.geom)::geography)::numeric, 1) || ' m²',
           ST_Intersection(a.geom, b.geom)
    FROM g a JOIN g b ON a.code < b.code AND a.geom && b.geom
    WHERE NOT EXISTS (SELECT 1 FROM invalid) AND ST_Intersects(a.geom, b.geom)
      AND ST_Area(ST_Intersection(a.geom, b.geom)::geography) > @tolerance
), coverage AS (
    SELECT ST_Union(geom) AS now, (SELECT ST_Union(geom) FROM grid_history WHERE village_code = @village AND to_version IS NULL) AS was
    FROM g
), cover AS (
    SELECT 'gap', ARRAY[]::text[],
           'The grids cover ' || round(ST_Area(ST_SymDifference(now, was)::geography)::numeric, 1) || ' m² differently from the village''s published grids',
           ST_SymDifference(now, was)
    FROM coverage
    WHERE NOT EXISTS (SELECT 1 FROM invalid) AND ST_Area(ST_SymDifference(now, was)::geography) > @tolerance
), buildings AS (
    SELECT 'buildingNotInOneGrid', coalesce(array_agg(g.code ORDER BY g.code) FILTER (WHERE g.code IS NOT NULL), ARRAY[]::text[]),
           'Building ' || b.code || ' lies in ' || count(g.code) || ' grids',
           p.pt
    FROM building b
    CROSS JOIN LATERAL (
        SELECT CASE WHEN ST_Covers(b.geom, ST_Centroid(b.geom)) THEN ST_Centroid(b.geom) ELSE ST_PointOnSurface(b.geom) END AS pt
    ) p
    LEFT JOIN g ON g.geom && p.pt AND ST_Covers(g.geom, p.pt)
    WHERE b.grid_code >= @village AND b.grid_code < @village || ':'
    GROUP BY b.code, p.pt
    HAVING count(g.code) <> 1
)
SELECT * FROM invalid
UNION ALL SELECT * FROM overlap
UNION ALL SELECT * FROM cover
UNION ALL SELECT * FROM buildings;
