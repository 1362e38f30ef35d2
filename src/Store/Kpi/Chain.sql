-- The unit and its ancestors, province first: admin units by code, a grid named after its sequence in the village.
SELECT code, name, level FROM admin_unit WHERE code = ANY($1::text[])
UNION ALL
SELECT code, '第' || right(code, 3)::int || '网格', 6 FROM grid WHERE code = ANY($1::text[])
ORDER BY 3
