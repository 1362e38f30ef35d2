-- Layer "buildings" (footprints from zoom 15) for one account: only buildings inside @scope (the account's area code),
-- and the number of households only when @with_counts (the account reads residents). No names, no ID numbers.
WITH tile AS (
    SELECT ST_TileEnvelope(@z, @x, @y) AS envelope,
           ST_TileEnvelope(@z, @x, @y, margin => 64.0 / 4096) AS buffered
)
SELECT coalesce((
    SELECT ST_AsMVT(f, 'buildings', 4096, 'geom', 'fid')
    FROM (
        SELECT b.id AS fid,
               b.code,
               b.grid_code AS grid,
               b.building_use AS use,
               b.floors::integer AS floors,
               CASE WHEN @with_counts THEN
                   (SELECT count(*) FROM house h JOIN household hh ON hh.house_id = h.id AND hh.dissolved_on IS NULL WHERE h.building_id = b.id)::integer
               END AS households,
               ST_AsMVTGeom(b.geom_3857, t.envelope, 4096, 64, true) AS geom
        FROM tile t
        JOIN building b ON b.geom_3857 && t.buffered
        WHERE @z >= 15 AND starts_with(b.grid_code, @scope)
    ) f
    WHERE f.geom IS NOT NULL), ''::bytea);
