-- Layers "admin" (outlines) and "admin_labels" (label points) of the province → village hierarchy, by zoom:
-- province and cities to z7, counties from z8, townships from z10, villages from z11. The province, cities and
-- counties use their coverage-simplified copies up to z9, so neighbours still meet and low-zoom tiles stay small.
-- Labels name the most detailed level shown (cities up to z7, counties z8–9, townships z10, villages from z11).
WITH tile AS (
    SELECT ST_TileEnvelope(@z, @x, @y) AS envelope,
           ST_TileEnvelope(@z, @x, @y, margin => 64.0 / 4096) AS buffered,
           CASE WHEN @z <= 7 THEN 2 WHEN @z <= 9 THEN 3 WHEN @z = 10 THEN 4 ELSE 5 END AS deepest
),
outlines AS (
    SELECT u.code::bigint AS fid, u.code, u.name, u.level,
           ST_AsMVTGeom(CASE WHEN @z <= 9 THEN u.geom_generalized_3857 ELSE u.geom_3857 END, t.envelope, 4096, 64, true) AS geom
    FROM tile t
    JOIN admin_unit u ON u.level <= t.deepest AND u.geom_3857 && t.buffered
),
labels AS (
    SELECT u.code::bigint AS fid, u.code, u.name, u.level,
           ST_AsMVTGeom(u.label_point_3857, t.envelope, 4096, 64, true) AS geom
    FROM tile t
    JOIN admin_unit u ON u.label_point_3857 && t.buffered
    WHERE u.level = t.deepest OR (@z <= 4 AND u.level = 1)
)
SELECT coalesce((SELECT ST_AsMVT(o, 'admin', 4096, 'geom', 'fid') FROM outlines o WHERE o.geom IS NOT NULL), ''::bytea)
    || coalesce((SELECT ST_AsMVT(l, 'admin_labels', 4096, 'geom', 'fid') FROM labels l WHERE l.geom IS NOT NULL), ''::bytea);
