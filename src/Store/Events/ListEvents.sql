-- Events in an area for lists and the live map, newest first; filters are optional (null = any).
SELECT e.id, e.tracking_no, e.category_code, c.name AS category_name, left(e.category_code, 2) AS major_code, c.major_name, e.state,
       e.grid_code, ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat, e.due, e.reported_at, e.updated_at, e.owner_unit, e.owner_department,
       e.version, left(e.description, 80) AS description, c.urgent, e.holder
FROM event e JOIN event_category c ON c.code = e.category_code
WHERE starts_with(e.grid_code, @area)
  AND (@category::text IS NULL OR starts_with(e.category_code, @category))
  AND (@state::text[] IS NULL OR e.state = ANY (@state))
  AND (@open_only = false OR e.finished_at IS NULL)
  AND (@owner_level::int IS NULL OR (CASE WHEN e.owner_department IS NOT NULL THEN 3 ELSE
        (CASE length(e.owner_unit) WHEN 6 THEN 3 WHEN 9 THEN 4 WHEN 12 THEN 5 WHEN 15 THEN 6 ELSE 2 END) END) = @owner_level)
  AND (@since::timestamptz IS NULL OR e.reported_at >= @since)
  AND (@updated_since::timestamptz IS NULL OR e.updated_at > @updated_since)
  AND (@bbox::geometry IS NULL OR e.geom && @bbox)
  AND (@holder::text IS NULL OR e.holder = @holder)
ORDER BY e.updated_at DESC
LIMIT @limit;
