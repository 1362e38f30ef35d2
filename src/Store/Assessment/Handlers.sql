-- The figures of every handler (an account whose scope is under @area) for the period [@from_at, @to_at): steps they
-- held that moved on — the line after the one that left them holding, unless it only handed the step over — with the
-- deadline that step had; their feedback and its rework; accountability records; what they hold now (@now).
WITH people AS (
    SELECT username, display_name, role, scope_code, department FROM account WHERE scope_code >= @area AND scope_code < @area || ':'
), finished AS (
    SELECT p.holder AS person, count(*)::int AS steps, (count(*) FILTER (WHERE p.due IS NOT NULL))::int AS with_deadline,
           (count(*) FILTER (WHERE p.due IS NOT NULL AND h.at <= p.due))::int AS on_time,
           (count(*) FILTER (WHERE h.action = 'Feedback'))::int AS feedback
    FROM event_history p
    JOIN event_history h ON h.event_id = p.event_id AND h.seq = p.seq + 1
    WHERE p.holder IN (SELECT username FROM people) AND h.at >= @from_at AND h.at < @to_at
      AND h.holder IS DISTINCT FROM p.holder AND h.action <> 'Assign'
    GROUP BY p.holder
), records AS (
    SELECT person, (count(*) FILTER (WHERE kind = 'rework'))::int AS reworked, count(*)::int AS records,
           (count(*) FILTER (WHERE closed_at IS NULL))::int AS open
    FROM accountability
    WHERE person IN (SELECT username FROM people) AND created_at >= @from_at AND created_at < @to_at
    GROUP BY person
), holding AS (
    SELECT holder AS person, count(*)::int AS holding, (count(*) FILTER (WHERE due < @now))::int AS overdue
    FROM event WHERE holder IN (SELECT username FROM people) AND finished_at IS NULL
    GROUP BY holder
)
SELECT a.username, a.display_name, a.role, a.scope_code, a.department,
       coalesce(f.steps, 0), coalesce(f.with_deadline, 0), coalesce(f.on_time, 0), coalesce(f.feedback, 0),
       coalesce(r.reworked, 0), coalesce(r.records, 0), coalesce(r.open, 0), coalesce(n.holding, 0), coalesce(n.overdue, 0)
FROM people a
LEFT JOIN finished f ON f.person = a.username
LEFT JOIN records r ON r.person = a.username
LEFT JOIN holding n ON n.person = a.username
WHERE f.person IS NOT NULL OR r.person IS NOT NULL OR n.person IS NOT NULL
ORDER BY a.scope_code, a.username
