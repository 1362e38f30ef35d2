-- Layers "grids" (every grid from zoom 11 with its code, village, staffing and area) and "grid_labels" (label
-- points from zoom 14, so that every tile places a grid's label at the same spot). No personal data: tiles are public.
-- @z/@x/@y are the tile; the 3857 copy and its GiST index answer the buffered envelope. The feature id is the
-- 15-digit code as an integer (MVT ids are unsigned integers); the code is also an attribute for clients.
WITH tile AS (
    SELECT ST_TileEnvelope(@z, @x, @y) AS envelope,
           ST_TileEnvelope(@z, @x, @y, margin => 64.0 / 4096) AS buffered
)
SELECT coalesce((
    SELECT ST_AsMVT(f, 'grids', 4096, 'geom', 'fid')
    FROM (
        SELECT g.code::bigint AS fid,
               g.code,
               g.village_code AS village,
               CASE WHEN m.grid_code IS NULL THEN 'vacant' ELSE 'staffed' END AS status,
               round(g.area_m2)::integer AS area_m2,
               ST_AsMVTGeom(g.geom_3857, t.envelope, 4096, 64, true) AS geom
        FROM tile t
        JOIN grid g ON g.geom_3857 && t.buffered
        LEFT JOIN grid_manager m ON m.grid_code = g.code
        WHERE @z >= 11
    ) f
    WHERE f.geom IS NOT NULL), ''::bytea)
    || coalesce((
    SELECT ST_AsMVT(l, 'grid_labels', 4096, 'geom', 'fid')
    FROM (
        SELECT g.code::bigint AS fid, g.code,
               ST_AsMVTGeom(g.label_point_3857, t.envelope, 4096, 64, true) AS geom
        FROM tile t
        JOIN grid g ON g.label_point_3857 && t.buffered
        WHERE @z >= 14
    ) l
    WHERE l.geom IS NOT NULL), ''::bytea);
