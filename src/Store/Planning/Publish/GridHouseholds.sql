-- Households of the grids a publish wrote: counted from the register where the village has one, otherwise shared out
-- from the old grids by overlapping area (the generated counts of a county without a register).
WITH register AS (
    SELECT EXISTS (SELECT 1 FROM building WHERE grid_code >= @village AND grid_code < @village || ':') AS present
), old AS (
    SELECT h.geom, g.households
    FROM grid_history h JOIN grid g ON g.code = h.code
    WHERE h.village_code = @village AND h.to_version IS NULL AND h.code = ANY (@before)
), counted AS (
    SELECT n.code,
           CASE WHEN (SELECT present FROM register)
                THEN (SELECT count(*) FROM household x WHERE x.grid_code = n.code AND x.dissolved_on IS NULL)::int
                ELSE coalesce((SELECT round(sum(o.households * ST_Area(ST_Intersection(o.geom, n.geom)) / nullif(ST_Area(o.geom), 0)))
                               FROM old o WHERE o.geom && n.geom), 0)::int
           END AS households
    FROM grid n
    WHERE n.code = ANY (@changed)
)
UPDATE grid g SET households = c.households FROM counted c WHERE g.code = c.code AND g.households <> c.households;
-- The register's freshness follows the households into their new grids (retired grids' rows go with the periodic refresh).
SELECT refresh_grid_freshness(array_agg(code)) FROM grid WHERE code >= @village AND code < @village || ':';
