-- Register counts of one grid (no personal data): buildings, households living there, people living there.
SELECT (SELECT count(*) FROM building WHERE grid_code = @code)::int,
       (SELECT count(*) FROM household WHERE grid_code = @code AND dissolved_on IS NULL)::int,
       (SELECT count(*) FROM person WHERE grid_code = @code AND status = 'resident')::int;
