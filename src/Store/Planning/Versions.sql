SELECT version, valid_from, author, reason, added, retired, reshaped
FROM grid_version
WHERE village_code = @village
ORDER BY version DESC;
