DELETE FROM tiles WHERE zoom_level = $z AND tile_column = $x AND tile_row = $y
