DELETE FROM grid_edit_lock WHERE village_code = @village AND holder = @holder;
