-- Recounts the given (month, county) pairs from `event`: one row per month for the county, each township, village and
-- grid that had events, and one per handling department at the county. An event counts in the month (China Standard
-- Time) it was reported in; $3 is the instant "due" is judged at (an open event is due once its closing deadline passed).
WITH pairs AS (
    SELECT * FROM unnest($1::date[], $2::text[]) AS p(month, county)
), flags AS (
    SELECT p.month, e.grid_code, e.handler_department,
           (e.accepted_at IS NOT NULL)::int AS accepted,
           (e.state = 'Rejected')::int AS rejected,
           (e.registered_at IS NOT NULL)::int AS registered,
           (e.registered_on_time IS TRUE)::int AS registered_on_time,
           (e.dispatched_at IS NOT NULL)::int AS dispatched,
           (e.handled_at IS NOT NULL)::int AS handled,
           (e.state = 'Closed')::int AS closed,
           (e.state = 'Closed' OR (e.registered_at IS NOT NULL AND e.finished_at IS NULL AND e.state <> 'Suspended' AND e.close_due < $3))::int AS due,
           (e.closed_on_time IS TRUE)::int AS closed_on_time,
           (e.rework_count > 0)::int AS reworked,
           (e.extension_count > 0)::int AS extended,
           (e.escalation_count > 0)::int AS escalated,
           (e.state = 'Voided' AND e.registered_at IS NOT NULL)::int AS voided,
           (e.state = 'Closed' AND e.resolution_level IS NOT DISTINCT FROM 6)::int AS closed_grid,
           (e.state = 'Closed' AND e.resolution_level IS NOT DISTINCT FROM 5)::int AS closed_village,
           (e.state = 'Closed' AND e.resolution_level IS NOT DISTINCT FROM 4)::int AS closed_township,
           (e.state = 'Closed' AND e.resolution_level IS NOT DISTINCT FROM 3)::int AS closed_county
    FROM pairs p
    JOIN event e ON e.county_code = p.county
                AND e.reported_at >= (p.month::timestamp AT TIME ZONE 'Asia/Shanghai')
                AND e.reported_at < ((p.month + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai')
), per_grid AS (
    SELECT month, grid_code, count(*) AS reported, sum(accepted) AS accepted, sum(rejected) AS rejected, sum(registered) AS registered,
           sum(registered_on_time) AS registered_on_time, sum(dispatched) AS dispatched, sum(handled) AS handled, sum(closed) AS closed,
           sum(due) AS due, sum(closed_on_time) AS closed_on_time, sum(reworked) AS reworked, sum(extended) AS extended,
           sum(escalated) AS escalated, sum(voided) AS voided, sum(closed_grid) AS closed_grid, sum(closed_village) AS closed_village,
           sum(closed_township) AS closed_township, sum(closed_county) AS closed_county
    FROM flags
    GROUP BY month, grid_code
), per_department AS (
    SELECT month, left(grid_code, 6) AS county, handler_department, count(*) AS reported, sum(accepted) AS accepted, sum(rejected) AS rejected,
           sum(registered) AS registered, sum(registered_on_time) AS registered_on_time, sum(dispatched) AS dispatched, sum(handled) AS handled,
           sum(closed) AS closed, sum(due) AS due, sum(closed_on_time) AS closed_on_time, sum(reworked) AS reworked, sum(extended) AS extended,
           sum(escalated) AS escalated, sum(voided) AS voided, sum(closed_grid) AS closed_grid, sum(closed_village) AS closed_village,
           sum(closed_township) AS closed_township, sum(closed_county) AS closed_county
    FROM flags
    WHERE handler_department IS NOT NULL
    GROUP BY month, left(grid_code, 6), handler_department
)
INSERT INTO event_kpi (month, unit_code, department, parent_code, reported, accepted, rejected, registered, registered_on_time, dispatched,
                       handled, closed, due, closed_on_time, reworked, extended, escalated, voided, closed_grid, closed_village,
                       closed_township, closed_county)
SELECT month, unit_code, '', parent_code,
       sum(reported), sum(accepted), sum(rejected), sum(registered), sum(registered_on_time), sum(dispatched), sum(handled), sum(closed),
       sum(due), sum(closed_on_time), sum(reworked), sum(extended), sum(escalated), sum(voided), sum(closed_grid), sum(closed_village),
       sum(closed_township), sum(closed_county)
FROM (
    SELECT g.*, left(g.grid_code, l.n) AS unit_code, left(g.grid_code, l.parent) AS parent_code
    FROM per_grid g
    CROSS JOIN (VALUES (6, 4), (9, 6), (12, 9), (15, 12)) AS l(n, parent)
) AS by_level
GROUP BY month, unit_code, parent_code
UNION ALL
SELECT month, county, handler_department, left(county, 4), reported, accepted, rejected, registered, registered_on_time, dispatched, handled,
       closed, due, closed_on_time, reworked, extended, escalated, voided, closed_grid, closed_village, closed_township, closed_county
FROM per_department
