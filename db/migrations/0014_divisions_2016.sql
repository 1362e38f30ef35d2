-- GridMap's townships and villages now follow the 2016 statistical division codes (issue 14). The code a unit
-- had in the official list, where it differs from GridMap's own, is the 2016 one.
ALTER TABLE admin_unit RENAME COLUMN stat_code_2023 TO stat_code_2016;

-- Data arriving today carries 2023 codes (merged villages, renamed counties). Each 2023 township or village code
-- names the GridMap unit(s) it covers: a village, or, where no predecessor was found, a whole township or county
-- (method 'township' / 'county'), in which case a row is placed by its address or point. Loaded with the province.
CREATE TABLE division_code_2023 (
    code_2023 text NOT NULL,
    level     text NOT NULL CHECK (level IN ('township', 'village')),
    name_2023 text NOT NULL,
    code      text NOT NULL,
    method    text NOT NULL CHECK (method IN ('code', 'name', 'renamed', 'absorbed', 'township', 'county', 'villages')),
    PRIMARY KEY (code_2023, code)
);
CREATE INDEX division_code_2023_code ON division_code_2023 (code);

-- Department lists may carry a village code (GridMap's or 2023's) and an address; a merged row whose code puts the
-- person somewhere other than the register does is reported as a 'place' issue (the row is still merged).
ALTER TABLE dept_import_issue DROP CONSTRAINT dept_import_issue_kind_check;
ALTER TABLE dept_import_issue ADD CONSTRAINT dept_import_issue_kind_check
    CHECK (kind IN ('invalid', 'unmatched', 'conflicting', 'place'));
