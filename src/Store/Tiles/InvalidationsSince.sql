-- The tile invalidations a cache has not processed yet, in the order they were recorded; area is in EPSG:3857.
SELECT id, layer, area FROM tile_invalidation WHERE id > @after ORDER BY id;
