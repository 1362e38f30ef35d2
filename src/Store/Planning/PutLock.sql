INSERT INTO grid_edit_lock (village_code, holder, acquired_at, expires_at)
VALUES (@village, @holder, @acquired, @expires)
ON CONFLICT (village_code) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at;
