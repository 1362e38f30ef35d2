-- Houses of a building with their households and current members; a member's special groups only where the caller
-- may read them (@groups). House rows without households still come back (LEFT JOINs).
SELECT h.id, h.unit_no, h.room, h.area_m2,
       hh.id, hh.register_number, hh.household_type,
       p.id, p.name, p.sex, p.birth_date, p.id_number, p.phone, p.register_type, p.political_status, m.relation, m.moved_in,
       coalesce(g.groups, '{}') AS groups, coalesce(g.ids, '{}') AS group_ids,
       h.vacant, h.row_version, hh.row_version, hh.confirmed_at, p.row_version,
       coalesce(hh.confirmed_at > now() - make_interval(days => (SELECT fresh_days FROM register_setting)), false) AS fresh
FROM house h
LEFT JOIN household hh ON hh.house_id = h.id AND starts_with(hh.grid_code, @scope) AND hh.dissolved_on IS NULL
LEFT JOIN household_member m ON m.household_id = hh.id AND m.moved_out IS NULL
LEFT JOIN person p ON p.id = m.person_id
LEFT JOIN LATERAL (
    SELECT array_agg(s.group_code ORDER BY s.group_code) AS groups, array_agg(s.id ORDER BY s.group_code) AS ids
    FROM special_group s
    WHERE s.person_id = p.id AND s.group_code = ANY (@groups)
) g ON true
WHERE h.building_id = @building_id
ORDER BY h.unit_no, h.room, hh.register_number,
         array_position(ARRAY['head','spouse','parent','grandparent','child','child_in_law','grandchild','sibling','other'], m.relation),
         p.birth_date;
