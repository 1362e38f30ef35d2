-- One page of an import's issues in file order; the next page starts after the last line returned.
SELECT line, kind, id_masked, reason
FROM dept_import_issue
WHERE import_id = $1 AND line > $2
ORDER BY line
LIMIT $3;
