-- In the import's transaction: the counts become visible together with the merged data.
UPDATE dept_import
SET status = 'done', file_sha256 = $2, total_rows = $3, processed_rows = $3, inserted = $4, updated = $5,
    unchanged = $6, unmatched = $7, conflicting = $8, invalid = $9, place_checked = $10, placed_elsewhere = $11,
    finished_at = now()
WHERE id = $1;
