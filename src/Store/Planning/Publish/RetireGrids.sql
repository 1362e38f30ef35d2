DELETE FROM grid WHERE code = ANY (@retired);
