-- The city and province rows of the given months, rebuilt next from the county rows (RefreshUpper.sql).
DELETE FROM event_kpi WHERE month = ANY($1::date[]) AND length(unit_code) IN (2, 4)
