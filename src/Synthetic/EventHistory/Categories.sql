SELECT code, name, urgent, handle_working_days, minor_on_the_spot, department, default_level
FROM event_category
WHERE active
ORDER BY code
