-- The version, its history rows, the retired codes and the lineage; the draft is spent.
UPDATE grid_history SET to_version = @version, valid_to = @now
WHERE village_code = @village AND to_version IS NULL AND (code = ANY (@retired) OR code = ANY (@reshaped));
INSERT INTO grid_history (code, from_version, valid_from, geom)
SELECT code, @version, @now, geom FROM grid WHERE code = ANY (@added) OR code = ANY (@reshaped);
INSERT INTO grid_retired (code, version, retired_at)
SELECT code, @version, @now FROM unnest(@retired) AS r(code);
INSERT INTO grid_version (village_code, version, valid_from, author, reason, added, retired, reshaped)
VALUES (@village, @version, @now, @author, @reason, @added, @retired, @reshaped);
INSERT INTO grid_lineage (village_code, version, ordinal, edit, from_codes, to_codes)
SELECT @village, @version, l.ordinal, l.item ->> 'edit',
       ARRAY(SELECT jsonb_array_elements_text(l.item -> 'from')), ARRAY(SELECT jsonb_array_elements_text(l.item -> 'to'))
FROM jsonb_array_elements(@lineage::jsonb) WITH ORDINALITY AS l(item, ordinal);
DELETE FROM grid_draft WHERE village_code = @village AND author = @author;
