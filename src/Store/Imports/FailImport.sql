-- After the rollback, on the autocommit connection; an import that did commit stays 'done'.
UPDATE dept_import SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status = 'running';
