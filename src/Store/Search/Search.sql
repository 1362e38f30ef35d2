-- Units and grids by code prefix or by name fragment, and units by their 2023 statistical code. @pattern is already LIKE-escaped by the caller;
-- exact names first, then names that start with the fragment, then higher levels, then codes.
WITH hits AS (
    SELECT u.code, u.name, u.level,
           CASE WHEN @by_code THEN 0
                WHEN u.name = @q THEN 0
                WHEN u.name LIKE @q_prefix ESCAPE '\' THEN 1
                ELSE 2 END AS rank
    FROM admin_unit u
    WHERE (@by_code AND u.code LIKE @q_prefix ESCAPE '\')
       OR (NOT @by_code AND u.name LIKE @pattern ESCAPE '\')
    UNION ALL
    -- A whole 2023 statistical code (township or village, as on today's paperwork) finds the units it stands for.
    SELECT u.code, u.name || '（2023：' || d.name_2023 || '）', u.level, 0
    FROM division_code_2023 d
    JOIN admin_unit u ON u.code = d.code
    WHERE @by_code AND length(@q) IN (9, 12) AND d.code_2023 = @q AND d.code <> @q
    UNION ALL
    SELECT g.code, right(g.code, 3) || '号网格', 6, 0
    FROM grid g
    WHERE @by_code AND length(@q) >= 12 AND g.code LIKE @q_prefix ESCAPE '\'
)
SELECT h.code, h.name, h.level,
       (SELECT string_agg(a.name, ' › ' ORDER BY a.level)
        FROM admin_unit a
        WHERE a.code IN (left(h.code, 2), left(h.code, 4), left(h.code, 6), left(h.code, 9), left(h.code, 12))
          AND length(a.code) < length(h.code)) AS path
FROM hits h
ORDER BY h.rank, h.level, h.code
LIMIT @limit;
