-- Fresh households and households under @code, grouped by the child unit (the first @child_length digits of the grid
-- code; a grid's own row when @code is a grid). Every level sums the same grid rows.
SELECT left(f.grid_code, @child_length) AS code,
       coalesce(u.name, left(f.grid_code, @child_length)) AS name,
       sum(f.households)::integer, sum(f.fresh)::integer
FROM grid_freshness f
LEFT JOIN admin_unit u ON u.code = left(f.grid_code, @child_length)
WHERE starts_with(f.grid_code, @code)
GROUP BY 1, 2
ORDER BY 1;
