-- Every step taken on a day in an area, in order, with the event's point: the command centre's day replay.
SELECT h.event_id, e.tracking_no, h.seq, h.at, h.action, h.to_state, e.category_code, ST_X(e.geom), ST_Y(e.geom)
FROM event_history h JOIN event e ON e.id = h.event_id
WHERE h.at >= @from AND h.at < @to AND starts_with(e.grid_code, @area)
ORDER BY h.at, h.event_id, h.seq
LIMIT @limit;
