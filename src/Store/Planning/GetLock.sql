-- The village's lock (live or lapsed) and the holder's display name; row-locked when editing it.
SELECT l.holder, a.display_name, l.acquired_at, l.expires_at
FROM grid_edit_lock l
LEFT JOIN account a ON a.username = l.holder
WHERE l.village_code = @village
FOR UPDATE OF l;
