SELECT c.code, c.major_name, c.name, c.name_en, c.urgent, c.handle_working_days, c.minor_on_the_spot, c.department,
       greatest(c.default_level, coalesce((SELECT max(f.level) FROM devolved_function f WHERE f.category_code = c.code), 0))::smallint
FROM event_category c
WHERE c.active
ORDER BY c.code;
