-- The GridMap villages an outside village code stands for (division_villages), with their label points. $1 the code.
SELECT v.code, v.name, ST_X(v.label_point), ST_Y(v.label_point)
FROM division_villages($1) v
ORDER BY v.code;
