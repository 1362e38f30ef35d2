-- One synthetic dispute with its parties and steps, in one statement (the generated id is known only here).
WITH d AS (
    INSERT INTO dispute (grid_code, severity, kind, summary, source, level, state, mediator, due, agreement_terms, settled_level, referred_to,
                         sessions, follow_ups, recorded_by, recorded_at, finished_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'synthetic', $15, $16)
    RETURNING id
), p AS (
    INSERT INTO dispute_party (dispute_id, seq, person_id, name)
    SELECT d.id, n.ord, NULL, n.name FROM d, unnest($17::text[]) WITH ORDINALITY AS n(name, ord)
)
INSERT INTO dispute_step (dispute_id, seq, at, actor, action, level, note)
SELECT d.id, s.ord, s.at, s.actor, s.action, s.level, s.note
FROM d, unnest($18::timestamptz[], $19::text[], $20::text[], $21::smallint[], $22::text[]) WITH ORDINALITY AS s(at, actor, action, level, note, ord);
