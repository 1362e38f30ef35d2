-- Open households in @area not verified or changed within the freshness window, never-confirmed and oldest first.
SELECT hh.id, hh.register_number, hh.grid_code, b.code, b.address, h.unit_no, h.room,
       (SELECT count(*) FROM household_member m WHERE m.household_id = hh.id AND m.moved_out IS NULL)::integer,
       hh.confirmed_at, hh.row_version
FROM household hh
JOIN house h ON h.id = hh.house_id
JOIN building b ON b.id = h.building_id
CROSS JOIN register_setting s
WHERE hh.grid_code >= @area AND hh.grid_code < @area || ':' AND hh.dissolved_on IS NULL
  AND (hh.confirmed_at IS NULL OR hh.confirmed_at <= now() - make_interval(days => s.fresh_days))
ORDER BY hh.confirmed_at NULLS FIRST, b.code, h.unit_no, h.room
LIMIT @limit;
