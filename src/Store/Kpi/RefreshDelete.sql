-- Removes the rollup rows of the given (month, county) pairs: the county's own rows (with its departments) and every
-- township, village and grid below it. Codes are digit strings, so the county's rows are a range of the primary key.
DELETE FROM event_kpi k
USING unnest($1::date[], $2::text[]) AS p(month, county)
WHERE k.unit_code >= p.county
  AND k.unit_code < ((p.county)::bigint + 1)::text
  AND k.month = p.month
