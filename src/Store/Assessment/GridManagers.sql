-- The grid manager assessment of every grid under @area for the period: China days @from–@to, as instants
-- [@from_at, @to_at); "today" judges visits on schedule. Register freshness is today's. Solved-in-grid figures come
-- from the KPI rollup's grid rows, so they are the unit KPIs' numbers.
WITH grids AS (
    SELECT g.code FROM grid g WHERE g.code >= @area AND g.code < @area || ':'
), managers AS (
    -- The grid's manager account: its post account (gm<grid>) when there is one, else a grid manager account of that grid.
    SELECT DISTINCT ON (scope_code) scope_code AS grid_code, username, active
    FROM account
    WHERE role = 'grid_manager' AND scope_code >= @area AND scope_code < @area || ':'
    ORDER BY scope_code, username <> 'gm' || scope_code, active DESC, username
), reports AS (
    SELECT grid_code, count(*)::int AS made, (count(*) FILTER (WHERE accepted_at IS NOT NULL))::int AS accepted,
           (count(*) FILTER (WHERE duplicate_of IS NOT NULL))::int AS duplicates
    FROM event
    WHERE channel = 'grid' AND grid_code >= @area AND grid_code < @area || ':' AND reported_at >= @from_at AND reported_at < @to_at
    GROUP BY grid_code
), records AS (
    SELECT p.grid_code, count(*)::int AS records, (count(*) FILTER (WHERE s.next_visit_due >= @today))::int AS on_schedule
    FROM special_group s JOIN person p ON p.id = s.person_id
    WHERE p.grid_code >= @area AND p.grid_code < @area || ':'
    GROUP BY p.grid_code
), visits AS (
    SELECT grid_code, count(*)::int AS made FROM (
        SELECT p.grid_code FROM visit v JOIN special_group s ON s.id = v.special_group_id JOIN person p ON p.id = s.person_id
        WHERE v.visited_on BETWEEN @from AND @to AND p.grid_code >= @area AND p.grid_code < @area || ':'
        UNION ALL
        SELECT grid_code FROM field_visit
        WHERE visited_at >= @from_at AND visited_at < @to_at AND grid_code >= @area AND grid_code < @area || ':'
    ) v GROUP BY grid_code
), tracks AS (
    SELECT grid_code, ST_Union(track) AS tracks, count(*)::int AS patrols
    FROM patrol WHERE day BETWEEN @from AND @to AND grid_code >= @area AND grid_code < @area || ':'
    GROUP BY grid_code
), buildings AS (
    SELECT b.grid_code, count(*)::int AS buildings,
           -- CASE, not AND: the geography cast of every building is costly and AND does not promise to skip it.
           (count(*) FILTER (WHERE CASE WHEN t.tracks IS NULL THEN false ELSE ST_DWithin(b.geom::geography, t.tracks::geography, 50) END))::int AS passed
    FROM building b LEFT JOIN tracks t ON t.grid_code = b.grid_code
    WHERE b.grid_code >= @area AND b.grid_code < @area || ':'
    GROUP BY b.grid_code
), solved AS (
    SELECT unit_code AS grid_code, sum(closed)::int AS closed, sum(closed_grid)::int AS closed_grid
    FROM event_kpi
    WHERE department = '' AND length(unit_code) = 15 AND unit_code >= @area AND unit_code < @area || ':' AND month BETWEEN @from AND @to
    GROUP BY unit_code
)
SELECT g.code, m.name, a.username, coalesce(a.active, false),
       coalesce(r.made, 0), coalesce(r.accepted, 0), coalesce(r.duplicates, 0),
       coalesce(s.records, 0), coalesce(s.on_schedule, 0), coalesce(v.made, 0),
       coalesce(f.households, 0), coalesce(f.fresh, 0),
       coalesce(b.buildings, 0), coalesce(b.passed, 0), coalesce(t.patrols, 0),
       coalesce(k.closed, 0), coalesce(k.closed_grid, 0)
FROM grids g
LEFT JOIN grid_manager m ON m.grid_code = g.code
LEFT JOIN managers a ON a.grid_code = g.code
LEFT JOIN reports r ON r.grid_code = g.code
LEFT JOIN records s ON s.grid_code = g.code
LEFT JOIN visits v ON v.grid_code = g.code
LEFT JOIN grid_freshness f ON f.grid_code = g.code
LEFT JOIN buildings b ON b.grid_code = g.code
LEFT JOIN tracks t ON t.grid_code = g.code
LEFT JOIN solved k ON k.grid_code = g.code
ORDER BY g.code
