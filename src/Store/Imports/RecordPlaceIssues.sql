-- Rows merged but placed elsewhere than the register (or not placeable), as 'place' issues. $1 import id; $2 lines,
-- $3 masked ID numbers, $4 reasons (parallel arrays).
INSERT INTO dept_import_issue (import_id, line, kind, id_masked, reason)
SELECT $1, x.line, 'place', x.id_masked, x.reason
FROM unnest($2::int[], $3::text[], $4::text[]) AS x (line, id_masked, reason);
