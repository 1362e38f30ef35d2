-- The planner's draft of the village, row-locked so edits of one draft run one at a time.
SELECT author, base_version, draft_version, srid, retired_sequences, lineage::text, updated_at
FROM grid_draft
WHERE village_code = @village AND author = @author
FOR UPDATE;
