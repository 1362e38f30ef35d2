-- An MBTiles 1.3 file (SQLite) of one layer and format; 'json' tells vector readers (GDAL, tileserver-gl) the layers.
CREATE TABLE IF NOT EXISTS metadata (name text PRIMARY KEY, value text);
CREATE TABLE IF NOT EXISTS tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob,
                                  PRIMARY KEY (zoom_level, tile_column, tile_row)) WITHOUT ROWID;
INSERT OR REPLACE INTO metadata VALUES ('name', $name), ('format', $format), ('bounds', '110.23,34.58,114.57,40.74'),
    ('center', '112.4,37.6,6'), ('minzoom', '0'), ('maxzoom', '22'), ('type', 'overlay'),
    ('attribution', 'GridMap; townships, villages and grids are synthetic'), ('json', $json);
