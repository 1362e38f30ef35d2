-- Staffing (issue 17): a flag a boundary publish leaves (a manager or a grid manager's account on a retired grid) is
-- resolved by the grid office — the manager appointed to a new grid, the account moved to one, or released with a
-- note. Resolving is the one change a flag sees.
ALTER TABLE grid_manager_flag ADD COLUMN resolved_at   timestamptz,
                              ADD COLUMN resolved_by   text,
                              ADD COLUMN resolved_grid text COLLATE "C",
                              ADD COLUMN resolution    text CHECK (length(resolution) BETWEEN 1 AND 200),
                              ADD CHECK ((resolved_at IS NULL) = (resolved_by IS NULL) AND (resolved_at IS NULL) = (resolution IS NULL));
CREATE INDEX grid_manager_flag_open_idx ON grid_manager_flag (village_code) WHERE resolved_at IS NULL;
