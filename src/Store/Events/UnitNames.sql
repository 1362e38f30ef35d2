SELECT code, name FROM admin_unit WHERE code = ANY (@codes)
UNION ALL
SELECT code, right(code, 3) || '号网格' FROM grid WHERE code = ANY (@codes);
