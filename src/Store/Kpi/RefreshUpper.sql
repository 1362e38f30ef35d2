-- Rebuilds the city and province rows (with their departments) of the given months from the county rows.
INSERT INTO event_kpi (month, unit_code, department, parent_code, reported, accepted, rejected, registered, registered_on_time, dispatched,
                       handled, closed, due, closed_on_time, reworked, extended, escalated, voided, closed_grid, closed_village,
                       closed_township, closed_county)
SELECT month, unit_code, department, parent_code,
       sum(reported), sum(accepted), sum(rejected), sum(registered), sum(registered_on_time), sum(dispatched), sum(handled), sum(closed),
       sum(due), sum(closed_on_time), sum(reworked), sum(extended), sum(escalated), sum(voided), sum(closed_grid), sum(closed_village),
       sum(closed_township), sum(closed_county)
FROM (
    SELECT k.month, k.department, left(k.unit_code, l.n) AS unit_code, CASE WHEN l.n = 4 THEN left(k.unit_code, 2) END AS parent_code,
           k.reported, k.accepted, k.rejected, k.registered, k.registered_on_time, k.dispatched, k.handled, k.closed, k.due, k.closed_on_time,
           k.reworked, k.extended, k.escalated, k.voided, k.closed_grid, k.closed_village, k.closed_township, k.closed_county
    FROM event_kpi k
    CROSS JOIN (VALUES (2), (4)) AS l(n)
    WHERE k.month = ANY($1::date[]) AND length(k.unit_code) = 6
) AS by_level
GROUP BY month, unit_code, department, parent_code
