SELECT tile_column, tile_row FROM tiles WHERE zoom_level = $z
