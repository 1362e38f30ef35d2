-- Runs on its own autocommit connection, so other processes see the import from its start.
INSERT INTO dept_import (department, file_name, file_sha256, account, status, total_rows)
VALUES ($1, $2, '', $3, 'running', $4)
RETURNING id;
