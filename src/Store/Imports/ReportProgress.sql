UPDATE dept_import SET processed_rows = $2, total_rows = $3 WHERE id = $1 AND status = 'running';
