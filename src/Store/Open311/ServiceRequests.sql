-- Service requests as GeoReport v2 shows them, newest first. By tracking number (@ids) when asked, else by report
-- time, category and open/closed. Special-population events (major class 05) concern named individuals and are never
-- listed. Only reports the public made themselves (Open311, web form) show their description, address and exact point;
-- the others show neither and a point rounded to 0.001° (about 100 m).
SELECT e.tracking_no,
       e.state,
       e.finished_at IS NOT NULL AS closed,
       c.code,
       c.name,
       c.handle_working_days,
       CASE WHEN e.channel IN ('open311', 'web') THEN e.description END AS description,
       CASE WHEN e.channel IN ('open311', 'web') THEN e.address END AS address,
       coalesce(e.handler_department, e.owner_department, u.name, e.owner_unit) AS agency,
       e.reported_at,
       e.updated_at,
       e.close_due,
       CASE WHEN e.channel IN ('open311', 'web') THEN ST_Y(e.geom) ELSE round(ST_Y(e.geom)::numeric, 3)::float8 END AS lat,
       CASE WHEN e.channel IN ('open311', 'web') THEN ST_X(e.geom) ELSE round(ST_X(e.geom)::numeric, 3)::float8 END AS lon
FROM event e
JOIN event_category c ON c.code = e.category_code
LEFT JOIN admin_unit u ON u.code = coalesce(e.handler_unit, e.owner_unit)
WHERE left(e.category_code, 2) <> '05'
  AND ((@ids::text[] IS NOT NULL AND e.tracking_no = ANY (@ids))
    OR (@ids::text[] IS NULL
        AND e.reported_at >= @start AND e.reported_at <= @end
        AND (@codes::text[] IS NULL OR e.category_code = ANY (@codes))
        AND (@closed::boolean IS NULL OR (e.finished_at IS NOT NULL) = @closed)))
ORDER BY e.reported_at DESC, e.id DESC
LIMIT @limit;
