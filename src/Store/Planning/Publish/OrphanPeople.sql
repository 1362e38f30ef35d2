UPDATE person SET grid_code = NULL WHERE grid_code = ANY (@retired);
