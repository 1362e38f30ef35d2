-- The handling departments of a county (or of every county in a city or the province) over whole months [$2, $3].
SELECT department, department, coalesce(sum(reported), 0)::int, coalesce(sum(accepted), 0)::int, coalesce(sum(rejected), 0)::int, coalesce(sum(registered), 0)::int,
       coalesce(sum(registered_on_time), 0)::int, coalesce(sum(dispatched), 0)::int, coalesce(sum(handled), 0)::int, coalesce(sum(closed), 0)::int,
       coalesce(sum(due), 0)::int, coalesce(sum(closed_on_time), 0)::int, coalesce(sum(reworked), 0)::int, coalesce(sum(extended), 0)::int,
       coalesce(sum(escalated), 0)::int, coalesce(sum(voided), 0)::int, coalesce(sum(closed_grid), 0)::int, coalesce(sum(closed_village), 0)::int,
       coalesce(sum(closed_township), 0)::int, coalesce(sum(closed_county), 0)::int
FROM event_kpi
WHERE unit_code = $1 AND department <> '' AND month >= $2 AND month <= $3
GROUP BY department
ORDER BY department
