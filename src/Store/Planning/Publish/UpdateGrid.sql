UPDATE grid SET geom = @geom, label_point = @label_point, area_m2 = @area_m2 WHERE code = @code;
