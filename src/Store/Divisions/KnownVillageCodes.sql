-- Every village code GridMap understands: its own, and the 2023 statistical codes of the crosswalk.
SELECT code FROM admin_unit WHERE level = 5
UNION
SELECT code_2023 FROM division_code_2023 WHERE level = 'village';
