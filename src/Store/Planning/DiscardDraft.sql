DELETE FROM grid_draft WHERE village_code = @village AND author = @author;
