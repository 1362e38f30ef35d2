-- Replaces the draft: its header, then every grid (a village has tens of grids, so rewriting all is simplest).
INSERT INTO grid_draft (village_code, author, base_version, draft_version, srid, retired_sequences, lineage, updated_at)
VALUES (@village, @author, @base_version, @draft_version, @srid, @retired_sequences, @lineage::jsonb, @now)
ON CONFLICT (village_code, author) DO UPDATE SET base_version = excluded.base_version,
    draft_version = excluded.draft_version, srid = excluded.srid, retired_sequences = excluded.retired_sequences,
    lineage = excluded.lineage, updated_at = excluded.updated_at;
DELETE FROM grid_draft_grid WHERE village_code = @village AND author = @author;
INSERT INTO grid_draft_grid (village_code, author, code, geom)
SELECT @village, @author, g.code, g.geom FROM unnest(@codes, @geoms) AS g(code, geom);
