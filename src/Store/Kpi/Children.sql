-- The children of a unit (a village's are its grids) with their counters over whole months [$2, $3]; children
-- without events have zeros.
WITH children AS (
    SELECT code, name FROM admin_unit WHERE parent_code = $1
    UNION ALL
    SELECT code, '第' || right(code, 3)::int || '网格' FROM grid WHERE village_code = $1
)
SELECT c.code, c.name, coalesce(sum(reported), 0)::int, coalesce(sum(accepted), 0)::int, coalesce(sum(rejected), 0)::int, coalesce(sum(registered), 0)::int,
       coalesce(sum(registered_on_time), 0)::int, coalesce(sum(dispatched), 0)::int, coalesce(sum(handled), 0)::int, coalesce(sum(closed), 0)::int,
       coalesce(sum(due), 0)::int, coalesce(sum(closed_on_time), 0)::int, coalesce(sum(reworked), 0)::int, coalesce(sum(extended), 0)::int,
       coalesce(sum(escalated), 0)::int, coalesce(sum(voided), 0)::int, coalesce(sum(closed_grid), 0)::int, coalesce(sum(closed_village), 0)::int,
       coalesce(sum(closed_township), 0)::int, coalesce(sum(closed_county), 0)::int
FROM children c
LEFT JOIN event_kpi k ON k.parent_code = $1 AND k.unit_code = c.code AND k.department = '' AND k.month >= $2 AND k.month <= $3
GROUP BY c.code, c.name
ORDER BY c.code
