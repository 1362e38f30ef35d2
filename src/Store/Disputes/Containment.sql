-- Finished disputes (settled or referred in [@from_at, @to_at)) of the grids under @unit, per child unit (the first
-- @child_length digits of the grid) and severity, by where they ended: in the village (settled by the grid manager or
-- the village), the township, the county, or beyond mediation (referred).
SELECT left(grid_code, @child_length) AS child, severity,
       (count(*) FILTER (WHERE state <> 'referred' AND settled_level >= 5))::int AS village,
       (count(*) FILTER (WHERE state <> 'referred' AND settled_level = 4))::int AS township,
       (count(*) FILTER (WHERE state <> 'referred' AND settled_level = 3))::int AS county,
       (count(*) FILTER (WHERE state = 'referred'))::int AS beyond
FROM dispute
WHERE starts_with(grid_code, @unit) AND finished_at >= @from_at AND finished_at < @to_at
GROUP BY 1, 2
ORDER BY 1, 2;
