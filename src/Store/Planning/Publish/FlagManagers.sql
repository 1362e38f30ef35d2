-- Managers left on retired grids lose the appointment and are flagged for the grid office, as are accounts whose area
-- is a retired grid (a grid manager's login): both need a new grid by hand.
WITH dropped AS (
    DELETE FROM grid_manager WHERE grid_code = ANY (@retired)
    RETURNING grid_code, name, phone
), flagged_managers AS (
    INSERT INTO grid_manager_flag (village_code, version, grid_code, name, phone, reason, flagged_at)
    SELECT @village, @version, grid_code, name, phone, 'manager', @now FROM dropped
    RETURNING grid_code, name, NULL::text AS username, reason
), flagged_accounts AS (
    INSERT INTO grid_manager_flag (village_code, version, grid_code, name, username, reason, flagged_at)
    SELECT @village, @version, a.scope_code, a.display_name, a.username, 'account', @now
    FROM account a
    WHERE a.scope_code = ANY (@retired) AND a.active
    RETURNING grid_code, name, username, reason
)
SELECT grid_code, name, username, reason FROM flagged_managers
UNION ALL
SELECT grid_code, name, username, reason FROM flagged_accounts;
