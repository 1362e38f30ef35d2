INSERT INTO grid (code, village_code, geom, label_point, area_m2, households)
VALUES (@code, @village, @geom, @label_point, @area_m2, 0);
