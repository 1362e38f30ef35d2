-- The department file's rows as the importer read them (filled by binary COPY): merge-ready values, or for an
-- invalid row only its line, masked ID number and reason. Private to the import's transaction.
CREATE TEMP TABLE import_row (
    line            integer NOT NULL,
    id_number       char(18) COLLATE "C",
    id_masked       text,
    name            text,
    group_code      text,
    risk_level      smallint,
    registered_on   date,
    note            text,
    register_type   text,
    invalid_reason  text,
    village_code    text COLLATE "C",
    address         text
) ON COMMIT DROP;
