-- The wall display (大屏) of a unit, one JSON document: today's reported / accepted / closed beside yesterday and the same
-- weekday four weeks ago; the last 30 days' on-time closure and disposal (KPI definitions: closed on time / due, handled /
-- registered) with their denominators; a 30-day trend; category shares; open, overdue and supervised counts with the
-- most urgent of each; and the children ranked by on-time closure. Days are China Standard Time; $1 is the unit's code,
-- $2 the length of its children's codes.
WITH clock AS (
    SELECT now() AS at, (now() AT TIME ZONE 'Asia/Shanghai')::date AS today
), recent AS (
    -- only the columns read below: the CTE is materialised (whole event rows: 330–360 ms for the province, these: 215)
    SELECT e.grid_code, e.category_code, e.closed_on_time, e.handled_at, e.registered_at,
           (e.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS reported_day,
           (e.accepted_at AT TIME ZONE 'Asia/Shanghai')::date AS accepted_day,
           CASE WHEN e.state = 'Closed' THEN (e.finished_at AT TIME ZONE 'Asia/Shanghai')::date END AS closed_day,
           (e.state = 'Closed' OR (e.registered_at IS NOT NULL AND e.finished_at IS NULL AND e.state <> 'Suspended' AND e.close_due < clock.at)) AS is_due
    FROM event e, clock
    WHERE e.grid_code LIKE $1 || '%'
      AND e.reported_at >= ((clock.today - 35)::timestamp AT TIME ZONE 'Asia/Shanghai')
), open_events AS (
    SELECT e.id, e.tracking_no, e.category_code, e.grid_code, e.owner_unit, e.due, e.state, e.supervisions, e.updated_at,
           (e.due IS NOT NULL AND e.due < clock.at AND e.state <> 'Suspended') AS overdue
    FROM event e, clock
    WHERE e.finished_at IS NULL AND e.grid_code LIKE $1 || '%'
), days AS (
    SELECT (clock.today - n) AS day FROM clock, generate_series(0, 29) AS n
), day_counts AS (
    SELECT d.day, coalesce(rep.n, 0) AS reported, coalesce(acc.n, 0) AS accepted, coalesce(clo.n, 0) AS closed
    FROM (SELECT day FROM days UNION SELECT today - 28 FROM clock) d
    LEFT JOIN (SELECT reported_day AS day, count(*) AS n FROM recent GROUP BY 1) rep USING (day)
    LEFT JOIN (SELECT accepted_day AS day, count(*) AS n FROM recent GROUP BY 1) acc USING (day)
    LEFT JOIN (SELECT closed_day AS day, count(*) AS n FROM recent GROUP BY 1) clo USING (day)
), cohort AS (
    SELECT r.* FROM recent r, clock WHERE r.reported_day > clock.today - 30
), children AS (
    SELECT left(r.grid_code, $2) AS code,
           count(*) AS reported,
           count(*) FILTER (WHERE r.closed_on_time IS TRUE) AS closed_on_time,
           count(*) FILTER (WHERE r.is_due) AS due
    FROM cohort r GROUP BY 1
), child_open AS (
    SELECT left(o.grid_code, $2) AS code, count(*) AS open, count(*) FILTER (WHERE o.overdue) AS overdue
    FROM open_events o GROUP BY 1
), child_rows AS (
    SELECT coalesce(c.code, o.code) AS code, coalesce(c.reported, 0) AS reported, coalesce(c.closed_on_time, 0) AS closed_on_time,
           coalesce(c.due, 0) AS due, coalesce(o.open, 0) AS open, coalesce(o.overdue, 0) AS overdue
    FROM children c FULL JOIN child_open o ON o.code = c.code
)
SELECT jsonb_build_object(
    'at', (SELECT at FROM clock),
    'today', (SELECT today FROM clock),
    'days', (SELECT jsonb_agg(jsonb_build_object('day', day, 'reported', reported, 'accepted', accepted, 'closed', closed) ORDER BY day) FROM day_counts),
    'onTimeClosure', (SELECT jsonb_build_object('numerator', count(*) FILTER (WHERE closed_on_time IS TRUE), 'denominator', count(*) FILTER (WHERE is_due)) FROM cohort),
    'disposal', (SELECT jsonb_build_object('numerator', count(*) FILTER (WHERE handled_at IS NOT NULL), 'denominator', count(*) FILTER (WHERE registered_at IS NOT NULL)) FROM cohort),
    'categories', (SELECT coalesce(jsonb_agg(jsonb_build_object('code', major, 'name', name, 'count', n) ORDER BY n DESC), '[]'::jsonb) FROM (
        SELECT left(r.category_code, 2) AS major, min(c.major_name) AS name, count(*) AS n
        FROM cohort r JOIN event_category c ON c.code = r.category_code GROUP BY 1) m),
    'open', (SELECT count(*) FROM open_events),
    'overdue', (SELECT count(*) FROM open_events WHERE overdue),
    'supervised', (SELECT count(*) FROM open_events WHERE supervisions > 0),
    'overdueList', (SELECT coalesce(jsonb_agg(x ORDER BY x->>'due'), '[]'::jsonb) FROM (
        SELECT jsonb_build_object('id', o.id, 'trackingNo', o.tracking_no, 'category', c.name, 'grid', o.grid_code, 'owner', coalesce(u.name, o.owner_unit), 'due', o.due) AS x
        FROM open_events o JOIN event_category c ON c.code = o.category_code LEFT JOIN admin_unit u ON u.code = o.owner_unit
        WHERE o.overdue ORDER BY o.due LIMIT 8) l),
    'supervisedList', (SELECT coalesce(jsonb_agg(x ORDER BY x->>'updatedAt' DESC), '[]'::jsonb) FROM (
        SELECT jsonb_build_object('id', o.id, 'trackingNo', o.tracking_no, 'category', c.name, 'grid', o.grid_code, 'owner', coalesce(u.name, o.owner_unit), 'due', o.due, 'updatedAt', o.updated_at, 'supervisions', o.supervisions) AS x
        FROM open_events o JOIN event_category c ON c.code = o.category_code LEFT JOIN admin_unit u ON u.code = o.owner_unit
        WHERE o.supervisions > 0 ORDER BY o.updated_at DESC LIMIT 8) l),
    'children', (SELECT coalesce(jsonb_agg(jsonb_build_object('code', r.code, 'name', coalesce(u.name, '网格 ' || right(r.code, 3)), 'reported', r.reported,
            'closedOnTime', r.closed_on_time, 'due', r.due, 'open', r.open, 'overdue', r.overdue)
            ORDER BY (CASE WHEN r.due > 0 THEN r.closed_on_time::float / r.due END) DESC NULLS LAST, r.overdue, r.code), '[]'::jsonb)
        FROM child_rows r LEFT JOIN admin_unit u ON u.code = r.code)
)
