SELECT DISTINCT (date_trunc('month', reported_at AT TIME ZONE 'Asia/Shanghai'))::date AS month, county_code FROM event
