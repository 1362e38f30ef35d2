-- The (month, county) pairs to recount: events updated since the watermark (less a margin for transactions that were
-- in flight), and open events whose closing deadline passed since then (they became due without an update).
SELECT DISTINCT (date_trunc('month', reported_at AT TIME ZONE 'Asia/Shanghai'))::date AS month, county_code
FROM event
WHERE updated_at > $1::timestamptz - interval '2 minutes'
UNION
SELECT DISTINCT (date_trunc('month', reported_at AT TIME ZONE 'Asia/Shanghai'))::date, county_code
FROM event
WHERE finished_at IS NULL AND close_due > $1::timestamptz - interval '2 minutes' AND close_due <= $2
