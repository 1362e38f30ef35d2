SELECT right(code, 3)::int FROM grid_retired WHERE village_code = @village;
