-- One row per completed load of a generated dataset, written in the same transaction as the data,
-- so a row here means the whole load is present. Everything generated is synthetic and says so.
CREATE TABLE dataset_load (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind               text NOT NULL,
    seed               integer NOT NULL,
    generator_version  text NOT NULL,
    loaded_at          timestamptz NOT NULL DEFAULT now(),
    generate_ms        integer NOT NULL,
    load_ms            integer NOT NULL,
    counts             jsonb NOT NULL,
    synthetic          boolean NOT NULL,
    note               text NOT NULL
);
