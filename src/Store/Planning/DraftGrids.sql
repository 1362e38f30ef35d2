SELECT code, geom FROM grid_draft_grid WHERE village_code = @village AND author = @author ORDER BY code;
