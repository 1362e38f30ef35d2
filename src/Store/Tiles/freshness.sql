-- Layer "freshness" (from zoom 11) for one account: the grids inside @scope (the account's area code) with their
-- register freshness — households, fresh households (verified or changed within the window) and the share in
-- permille. Aggregates only, no personal data; scoped like the buildings layer. @with_counts is unused here.
WITH tile AS (
    SELECT ST_TileEnvelope(@z, @x, @y) AS envelope,
           ST_TileEnvelope(@z, @x, @y, margin => 64.0 / 4096) AS buffered
)
SELECT coalesce((
    SELECT ST_AsMVT(f, 'freshness', 4096, 'geom', 'fid')
    FROM (
        SELECT g.code::bigint AS fid,
               g.code,
               coalesce(s.households, 0) AS households,
               coalesce(s.fresh, 0) AS fresh,
               CASE WHEN coalesce(s.households, 0) = 0 THEN NULL
                    ELSE (1000 * s.fresh / s.households)::integer END AS permille,
               ST_AsMVTGeom(g.geom_3857, t.envelope, 4096, 64, true) AS geom
        FROM tile t
        JOIN grid g ON g.geom_3857 && t.buffered
        LEFT JOIN grid_freshness s ON s.grid_code = g.code
        WHERE @z >= 11 AND starts_with(g.code, @scope) AND @with_counts IS NOT NULL
    ) f
    WHERE f.geom IS NOT NULL), ''::bytea);
