INSERT INTO grids (geom, code, village, village_nm, name, area_m2, households, manager)
VALUES ($geom, $code, $village, $village_nm, $name, $area_m2, $households, $manager);
