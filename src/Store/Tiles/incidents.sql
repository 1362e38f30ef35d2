-- Layer "incidents" for one account: events inside @scope (the account's area code) that are open, or finished within
-- the last 7 days. Up to zoom 12 events are clustered: snapped to a square of 1/32 of the tile's width (so clusters
-- line up across tiles), one point per square at its members' centroid with the count, how many are open, and the
-- worst deadline state among them. From zoom 13 each event is a point with its own attributes.
-- The command centre's filters narrow it (null = any): @major (category class, 2 digits), @open_only, @owner_level
-- (3 county … 6 grid, as ListEvents.sql counts it) and @since (reported at or after).
-- deadline follows EventWorkflow.Deadline: finished, paused (suspended or no due time), overdue, due_soon (≤ 2 h), on_time.
WITH tile AS (
    SELECT ST_TileEnvelope(@z, @x, @y) AS envelope,
           ST_TileEnvelope(@z, @x, @y, margin => 64.0 / 4096) AS buffered,
           -- the width of a tile at @z in EPSG:3857 metres, over 32
           (2 * 20037508.342789244 / (2 ^ @z)) / 32 AS cell
),
shown AS (
    SELECT e.id, e.category_code, e.state, c.urgent, e.geom_3857, e.reported_at,
           e.finished_at IS NULL AS open,
           CASE WHEN e.finished_at IS NOT NULL THEN 'finished'
                WHEN e.state = 'Suspended' OR e.due IS NULL THEN 'paused'
                WHEN now() > e.due THEN 'overdue'
                WHEN e.due - now() <= interval '2 hours' THEN 'due_soon'
                ELSE 'on_time' END AS deadline
    FROM (
        -- open events by their own geometry index, recently finished ones by finish time (see 0036_incident_tile_indexes)
        SELECT e.* FROM tile t JOIN event e ON e.geom_3857 && t.buffered WHERE e.finished_at IS NULL
        UNION ALL
        SELECT e.* FROM tile t JOIN event e ON e.geom_3857 && t.buffered WHERE e.finished_at > now() - interval '7 days' AND NOT @open_only
    ) e
    JOIN event_category c ON c.code = e.category_code
    WHERE starts_with(e.grid_code, @scope)
      AND (@major::text IS NULL OR starts_with(e.category_code, @major))
      AND (@owner_level::int IS NULL OR (CASE WHEN e.owner_department IS NOT NULL THEN 3 ELSE
            (CASE length(e.owner_unit) WHEN 6 THEN 3 WHEN 9 THEN 4 WHEN 12 THEN 5 WHEN 15 THEN 6 ELSE 2 END) END) = @owner_level)
      AND (@since::timestamptz IS NULL OR e.reported_at >= @since)
),
ranked AS (
    SELECT s.*, CASE s.deadline WHEN 'overdue' THEN 4 WHEN 'due_soon' THEN 3 WHEN 'on_time' THEN 2 WHEN 'paused' THEN 1 ELSE 0 END AS severity
    FROM shown s
),
clusters AS (
    -- grouped by the snapped cell's integer coordinates (what ST_SnapToGrid rounds to) and placed at the members' mean:
    -- the centroid of their points without building a geometry per cell (a z6 tile over 15,000 open events: 44 → 32 ms)
    SELECT ST_SetSRID(ST_MakePoint(avg(ST_X(r.geom_3857)), avg(ST_Y(r.geom_3857))), 3857) AS geom,
           count(*)::integer AS count,
           count(*) FILTER (WHERE r.open)::integer AS open,
           (ARRAY['finished', 'paused', 'on_time', 'due_soon', 'overdue'])[max(r.severity) + 1] AS deadline,
           bool_or(r.urgent AND r.open) AS urgent
    FROM ranked r, tile t
    WHERE @z <= 12
    GROUP BY round(ST_X(r.geom_3857) / t.cell), round(ST_Y(r.geom_3857) / t.cell)
),
points AS (
    SELECT r.id, r.category_code AS category, left(r.category_code, 2) AS major, r.state, r.deadline, r.urgent,
           round(extract(epoch FROM now() - r.reported_at) / 3600)::integer AS age_hours, r.geom_3857 AS geom
    FROM ranked r
    WHERE @z >= 13
)
SELECT coalesce((
    SELECT ST_AsMVT(f, 'incidents', 4096, 'geom')
    FROM (
        -- a cluster belongs to the tile holding its centroid, so no cluster is drawn twice at a tile edge
        SELECT c.count, c.open, c.deadline, c.urgent, ST_AsMVTGeom(c.geom, t.envelope, 4096, 64, true) AS geom
        FROM clusters c, tile t
        WHERE ST_Intersects(c.geom, t.envelope)
    ) f
    WHERE f.geom IS NOT NULL), ''::bytea)
|| coalesce((
    SELECT ST_AsMVT(f, 'incidents', 4096, 'geom', 'fid')
    FROM (
        SELECT p.id AS fid, p.id, p.category, p.major, p.state, p.deadline, p.urgent, p.age_hours, ST_AsMVTGeom(p.geom, t.envelope, 4096, 64, true) AS geom
        FROM points p, tile t
    ) f
    WHERE f.geom IS NOT NULL), ''::bytea);
