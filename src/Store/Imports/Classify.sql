-- Decides each staged row's outcome once: invalid (refused while reading), unmatched (nobody has the ID number),
-- conflicting (the register knows the person by another name), or merge. Analysed afterwards, so the statements
-- that follow are planned on true row counts.
CREATE TEMP TABLE import_match ON COMMIT DROP AS
SELECT r.line, r.id_masked, r.name, r.group_code, r.risk_level, r.registered_on, r.note, r.register_type,
       r.invalid_reason, r.village_code, r.address, p.id AS person_id, p.name AS register_name,
       CASE WHEN r.invalid_reason IS NOT NULL THEN 'invalid'
            WHEN p.id IS NULL THEN 'unmatched'
            WHEN btrim(p.name, E' \t\r\n\u00a0\u3000') <> r.name THEN 'conflicting'
            ELSE 'merge'
       END AS outcome
FROM import_row r
LEFT JOIN person p ON p.id_number = r.id_number;
