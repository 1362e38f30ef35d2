-- The unit and its ancestors, province first: admin units by code, a grid named after its sequence in the village.
-- A grid retired by a boundary edit keeps its indicators ("by the grids as they were"): its finished events stay on it.
SELECT code, name, level FROM admin_unit WHERE code = ANY($1::text[])
UNION ALL
SELECT code, '第' || right(code, 3)::int || '网格', 6 FROM grid WHERE code = ANY($1::text[])
UNION ALL
SELECT code, '第' || right(code, 3)::int || '网格（已撤销）', 6 FROM grid_retired WHERE code = ANY($1::text[])
ORDER BY 3
