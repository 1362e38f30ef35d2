-- Whether the record a history is asked for lies in the caller's area now (move requests: either side).
SELECT CASE split_part(@subject, ':', 1)
    WHEN 'person' THEN EXISTS (SELECT 1 FROM person WHERE id = split_part(@subject, ':', 2)::bigint AND starts_with(grid_code, @scope))
    WHEN 'household' THEN EXISTS (SELECT 1 FROM household WHERE id = split_part(@subject, ':', 2)::bigint AND starts_with(grid_code, @scope))
    WHEN 'house' THEN EXISTS (SELECT 1 FROM house h JOIN building b ON b.id = h.building_id
                              WHERE h.id = split_part(@subject, ':', 2)::bigint AND starts_with(b.grid_code, @scope))
    WHEN 'building' THEN EXISTS (SELECT 1 FROM building WHERE id = split_part(@subject, ':', 2)::bigint AND starts_with(grid_code, @scope))
    WHEN 'move' THEN EXISTS (SELECT 1 FROM move_request WHERE id = split_part(@subject, ':', 2)::bigint
                             AND (starts_with(from_grid, @scope) OR starts_with(to_grid, @scope)))
    ELSE false
END
