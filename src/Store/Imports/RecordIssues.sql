-- Every row that is not merged, with a reason a clerk can act on. $1 import id.
INSERT INTO dept_import_issue (import_id, line, kind, id_masked, reason)
SELECT $1, line, outcome, id_masked,
       CASE outcome
           WHEN 'invalid' THEN invalid_reason
           WHEN 'unmatched' THEN 'No person with this ID number is in the register.'
           ELSE format('The name "%s" differs from the register''s name "%s" for this ID number; not merged.', name, register_name)
       END
FROM import_match
WHERE outcome <> 'merge';
