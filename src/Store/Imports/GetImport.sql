SELECT id, department, file_name, file_sha256, account, status, total_rows, processed_rows, inserted, updated,
       unchanged, unmatched, conflicting, invalid, error, started_at, finished_at
FROM dept_import
WHERE id = $1;
