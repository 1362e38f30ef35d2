-- Reconciliation items of the townships in @scope (a township code, or a county/city/province prefix of it), for one
-- department when @department is set; open first, newest first.
SELECT r.id, r.created_at, r.change_id, r.person_id, p.name, r.department, r.township_code, r.kind, r.detail, r.status,
       r.resolved_by, r.resolved_at, r.resolution, r.import_id
FROM reconciliation_item r
JOIN person p ON p.id = r.person_id
WHERE starts_with(r.township_code, left(@scope, 9)) AND starts_with(r.township_code || '000000', @scope)
  AND (@department::text IS NULL OR r.department = @department)
  AND (@all OR r.status = 'open')
ORDER BY r.status = 'open' DESC, r.id DESC
LIMIT 500;
