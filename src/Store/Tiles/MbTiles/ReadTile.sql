-- Rows are TMS (y counted from the south).
SELECT tile_data FROM tiles WHERE zoom_level = $z AND tile_column = $x AND tile_row = $y
