-- A department list's rows placed by village code (GridMap's or 2023's), and how many of those the code put
-- elsewhere than the register (listed as 'place' issues): stored with the other counts of a finished import.
ALTER TABLE dept_import
    ADD COLUMN place_checked    integer NOT NULL DEFAULT 0 CHECK (place_checked >= 0),
    ADD COLUMN placed_elsewhere integer NOT NULL DEFAULT 0 CHECK (placed_elsewhere >= 0);
