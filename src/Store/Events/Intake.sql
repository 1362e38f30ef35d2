-- Where a report lands: the grid under the point (its village's urban flag), the category's routing (lowest
-- competent level: the catalogue's lowest level for the category, else the category's default), a likely duplicate
-- (same category, within @radius metres, reported within @window and not finished), and the new event's id. The first
-- three columns are the event already holding @idempotency_key: a retry is answered from them, in the same round trip.
WITH point AS (
    SELECT ST_SetSRID(ST_MakePoint(@lon, @lat), 4490) AS geom
), hit AS (
    SELECT g.code, v.urban
    FROM grid g JOIN admin_unit v ON v.code = g.village_code, point p
    WHERE ST_Intersects(g.geom, p.geom)
    ORDER BY g.code
    LIMIT 1
), category AS (
    SELECT c.code, c.name, c.urgent, c.handle_working_days, c.minor_on_the_spot, c.department,
           greatest(c.default_level, coalesce((SELECT max(f.level) FROM devolved_function f WHERE f.category_code = c.code), 0))::smallint AS competent_level
    FROM event_category c
    WHERE c.code = @category AND c.active
)
SELECT earlier.id, earlier.tracking_no, earlier.handle_working_days,
       hit.code, hit.urban,
       category.name, category.urgent, category.handle_working_days, category.minor_on_the_spot, category.department, category.competent_level,
       (SELECT e.id FROM event e, point p
        WHERE e.category_code = @category AND e.finished_at IS NULL AND e.reported_at > @now - @window
          AND ST_DWithin(e.geom_3857, ST_Transform(p.geom, 3857), @radius / cos(radians(@lat)))
        ORDER BY e.reported_at DESC LIMIT 1) AS duplicate_of,
       nextval(pg_get_serial_sequence('event', 'id')) AS id
FROM (SELECT 1) AS one
LEFT JOIN hit ON true
LEFT JOIN category ON true
LEFT JOIN (SELECT e.id, e.tracking_no, c.handle_working_days
           FROM event e JOIN event_category c ON c.code = e.category_code
           WHERE e.idempotency_key = @idempotency_key) AS earlier ON true;
