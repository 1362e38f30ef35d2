-- The newest tile invalidation (0 when there is none yet).
SELECT coalesce(max(id), 0) FROM tile_invalidation;
