-- Events in the shape of ListEvents.sql (the same columns), for the live push: the events of one notice, which
-- names a whole intake batch.
SELECT e.id, e.tracking_no, e.category_code, c.name AS category_name, left(e.category_code, 2) AS major_code, c.major_name, e.state,
       e.grid_code, ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat, e.due, e.reported_at, e.updated_at, e.owner_unit, e.owner_department,
       e.version, left(e.description, 80) AS description, c.urgent, e.holder
FROM event e JOIN event_category c ON c.code = e.category_code
WHERE e.id = ANY (@ids)
ORDER BY e.id;
