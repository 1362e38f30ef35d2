SELECT id, department, file_name, file_sha256, account, status, total_rows, processed_rows, inserted, updated,
       unchanged, unmatched, conflicting, invalid, error, started_at, finished_at, place_checked, placed_elsewhere
FROM dept_import
WHERE id = $1;
