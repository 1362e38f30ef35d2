-- Events in the shape of ListEvents.sql (same columns, same order), for the live push: the events of one notice, which
-- names a whole intake batch.
SELECT e.id, e.tracking_no, e.category_code, c.name, left(e.category_code, 2), c.major_name, e.state, e.grid_code,
       ST_X(e.geom), ST_Y(e.geom), e.due, e.reported_at, e.updated_at, e.owner_unit, e.owner_department, e.version,
       left(e.description, 80), c.urgent
FROM event e JOIN event_category c ON c.code = e.category_code
WHERE e.id = ANY (@ids)
ORDER BY e.id;
