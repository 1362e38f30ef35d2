-- The health department's death reports (group death_report): kept in dept_death_report (a changed date replaces the
-- earlier one; a repeated report changes nothing). Where the register still has the person living, a reconciliation
-- item goes to the department and the person's township: the register is not changed by a list.
-- $1 department, $2 import id. Answers the reports written.
WITH reported AS (
    INSERT INTO dept_death_report AS d (person_id, department, died_on, import_id)
    SELECT m.person_id, $1, m.registered_on, $2
    FROM import_match m
    WHERE m.outcome = 'merge' AND m.group_code = 'death_report'
    ON CONFLICT (person_id) DO UPDATE
        SET died_on = EXCLUDED.died_on, department = EXCLUDED.department, import_id = EXCLUDED.import_id, reported_at = now()
        WHERE (d.died_on, d.department) IS DISTINCT FROM (EXCLUDED.died_on, EXCLUDED.department)
    RETURNING d.person_id, d.died_on
), items AS (
    INSERT INTO reconciliation_item (import_id, person_id, department, township_code, kind, detail)
    SELECT $2, r.person_id, $1, left(p.grid_code, 9), 'reported_deceased_resident',
           '部门名单报告于 ' || to_char(r.died_on, 'YYYY-MM-DD') || ' 死亡，人口登记仍为在住：请入户核实'
    FROM reported r
    JOIN person p ON p.id = r.person_id
    WHERE p.status = 'resident' AND p.grid_code IS NOT NULL
    RETURNING 1
)
SELECT (SELECT count(*) FROM reported)::integer, (SELECT count(*) FROM items)::integer;
