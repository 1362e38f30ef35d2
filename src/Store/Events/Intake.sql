-- Where a batch of reports lands, one row per report in the order given (ord): the event already holding the report's
-- idempotency key (a retry is answered from it), the grid under the point (its village's urban flag), the category's
-- routing (lowest competent level: the catalogue's lowest level for the category, else the category's default), a
-- likely duplicate (same category, within @radius metres, reported within @window and not finished), the new event's
-- id, and the point in 3857 so that the store can also flag duplicates among reports of the same batch.
WITH report AS (
    SELECT r.ord, r.category, r.idempotency_key, r.lat, p.geom, ST_Transform(p.geom, 3857) AS geom_3857
    FROM unnest(@lon::float8[], @lat::float8[], @category::text[], @idempotency_key::text[])
             WITH ORDINALITY AS r (lon, lat, category, idempotency_key, ord),
         LATERAL (SELECT ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4490) AS geom) AS p
), category AS (
    SELECT c.code, c.name, c.urgent, c.handle_working_days, c.minor_on_the_spot, c.department,
           greatest(c.default_level, coalesce((SELECT max(f.level) FROM devolved_function f WHERE f.category_code = c.code), 0))::smallint AS competent_level
    FROM event_category c
    WHERE c.code IN (SELECT category FROM report) AND c.active
)
SELECT earlier.id AS earlier_id, earlier.tracking_no AS earlier_tracking_no, earlier.handle_working_days AS earlier_handle_working_days,
       hit.code AS grid_code, hit.urban,
       category.name AS category_name, category.urgent, category.handle_working_days, category.minor_on_the_spot,
       category.department AS category_department, category.competent_level,
       duplicate.id AS duplicate_of,
       nextval(pg_get_serial_sequence('event', 'id')) AS id,
       ST_X(r.geom_3857) AS x, ST_Y(r.geom_3857) AS y
FROM report r
LEFT JOIN category ON category.code = r.category
LEFT JOIN LATERAL (
    SELECT g.code, v.urban
    FROM grid g JOIN admin_unit v ON v.code = g.village_code
    WHERE ST_Intersects(g.geom, r.geom)
    ORDER BY g.code
    LIMIT 1
) AS hit ON true
-- Newest first in each of the four cells around the point (0013_intake.sql), stopping at the first one near enough.
-- ST_Distance rather than ST_DWithin: an index-backed distance test would tempt the planner away from the cell index.
-- The 3857 point is computed once per report above: here it would be transformed again for every candidate.
LEFT JOIN LATERAL (
    SELECT found.id
    FROM unnest(event_duplicate_cells(ST_X(r.geom_3857), ST_Y(r.geom_3857))) AS near (cell)
    CROSS JOIN LATERAL (
        SELECT e.id, e.reported_at
        FROM event e
        WHERE e.category_code = r.category AND e.duplicate_cell = near.cell AND e.finished_at IS NULL AND e.reported_at > @now - @window
          AND ST_Distance(e.geom_3857, r.geom_3857) <= @radius / cos(radians(r.lat))
        ORDER BY e.reported_at DESC
        LIMIT 1
    ) AS found
    ORDER BY found.reported_at DESC
    LIMIT 1
) AS duplicate ON true
LEFT JOIN LATERAL (
    SELECT e.id, e.tracking_no, c.handle_working_days
    FROM event e JOIN event_category c ON c.code = e.category_code
    WHERE e.idempotency_key = r.idempotency_key
) AS earlier ON true
ORDER BY r.ord;
