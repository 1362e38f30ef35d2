-- Proxy services (民事代办, issue 18): each county's catalogue of services devolved to township and village centres,
-- in versions, and the requests residents make through their grid manager or village centre.
--
-- A catalogue version is never changed once written (rows are append-only): a county admin's edit writes the next
-- version with the change and retires the one before, so a request keeps the version — and the time limit — it
-- started under. A service keeps its key from version to version.
CREATE TABLE service_catalogue (
    id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    county_code  text COLLATE "C" NOT NULL CHECK (county_code ~ '^[0-9]{6}$'),
    version      integer NOT NULL CHECK (version >= 1),
    created_at   timestamptz NOT NULL,
    created_by   text NOT NULL,
    note         text NOT NULL CHECK (length(note) BETWEEN 1 AND 500),
    retired_at   timestamptz,
    UNIQUE (county_code, version)
);
-- One current version per county.
CREATE UNIQUE INDEX service_catalogue_current_idx ON service_catalogue (county_code) WHERE retired_at IS NULL;

CREATE SEQUENCE catalogue_service_key_seq;

CREATE TABLE catalogue_service (
    catalogue_id     integer NOT NULL REFERENCES service_catalogue (id),
    service_key      integer NOT NULL,
    -- Where the service is offered: 4 township centre, 5 village centre.
    level            smallint NOT NULL CHECK (level IN (4, 5)),
    department       text NOT NULL CHECK (length(department) BETWEEN 1 AND 50),
    name             text NOT NULL CHECK (length(name) BETWEEN 2 AND 100),
    -- accept (受理: the level takes and reviews it, a higher one decides), handle (办理: decided here), proxy (代办).
    kind             text NOT NULL CHECK (kind IN ('accept', 'handle', 'proxy')),
    -- The level that decides: 3 county, 4 township, 5 village.
    competent_level  smallint NOT NULL CHECK (competent_level BETWEEN 3 AND 5 AND competent_level <= level),
    -- Promised time limit in working days (0: on the spot); null where no source gives one.
    time_limit_days  smallint CHECK (time_limit_days BETWEEN 0 AND 365),
    time_limit_note  text CHECK (length(time_limit_note) <= 500),
    documents        text[] NOT NULL DEFAULT '{}' CHECK (cardinality(documents) <= 30),
    source           text NOT NULL CHECK (length(source) BETWEEN 2 AND 2000),
    source_locality  text CHECK (length(source_locality) <= 200),
    PRIMARY KEY (catalogue_id, service_key),
    UNIQUE (catalogue_id, level, name)
);

CREATE FUNCTION catalogue_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER catalogue_service_append_only BEFORE UPDATE OR DELETE ON catalogue_service
    FOR EACH ROW EXECUTE FUNCTION catalogue_is_append_only();

CREATE TABLE proxy_request (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Public, unguessable tracking number (DB-XXXX-XXXX, 代办); the id is never shown to the public.
    tracking_no       text NOT NULL UNIQUE CHECK (tracking_no ~ '^DB-[0-9A-Z]{4}-[0-9A-Z]{4}$'),
    -- The client's idempotency key: a retried request finds its first one instead of making a second.
    idempotency_key   text UNIQUE CHECK (length(idempotency_key) BETWEEN 8 AND 100),
    grid_code         text COLLATE "C" NOT NULL CHECK (grid_code ~ '^[0-9]{15}$'),
    catalogue_id      integer NOT NULL,
    service_key       integer NOT NULL,
    FOREIGN KEY (catalogue_id, service_key) REFERENCES catalogue_service (catalogue_id, service_key),
    -- A resident of the register when known (no foreign key, as for dispute parties); the name as recorded.
    person_id         bigint,
    resident_name     text NOT NULL CHECK (length(resident_name) BETWEEN 1 AND 50),
    channel           text NOT NULL CHECK (channel IN ('grid', 'village')),
    -- The documents checklist: [{"name": "...", "received": true}], from the service's list.
    documents         jsonb NOT NULL,
    note              text CHECK (length(note) <= 1000),
    state             text NOT NULL CHECK (state IN ('received', 'handed', 'returned', 'done', 'refused', 'withdrawn')),
    -- The level that holds it now (5 village … 3 county) and, once handed over, the department's desk there.
    level             smallint NOT NULL CHECK (level BETWEEN 3 AND 6),
    department        text,
    due               timestamptz,
    handed_at         timestamptz,
    result            text CHECK (length(result) <= 1000),
    finished_at       timestamptz,
    recorded_by       text NOT NULL,
    recorded_at       timestamptz NOT NULL,
    synthetic         boolean NOT NULL DEFAULT false,
    version           integer NOT NULL DEFAULT 1
);
CREATE INDEX proxy_request_grid_idx ON proxy_request (grid_code, recorded_at);
CREATE INDEX proxy_request_open_idx ON proxy_request (due) WHERE state IN ('received', 'handed', 'returned');

CREATE TABLE proxy_request_step (
    request_id  bigint NOT NULL REFERENCES proxy_request (id),
    seq         integer NOT NULL,
    at          timestamptz NOT NULL,
    actor       text NOT NULL,
    action      text NOT NULL,
    level       smallint NOT NULL,
    note        text CHECK (length(note) <= 1000),
    PRIMARY KEY (request_id, seq)
);
CREATE TRIGGER proxy_request_step_append_only BEFORE UPDATE OR DELETE ON proxy_request_step
    FOR EACH ROW EXECUTE FUNCTION catalogue_is_append_only();

ALTER TABLE inbox_item DROP CONSTRAINT inbox_item_kind_check,
    ADD CONSTRAINT inbox_item_kind_check CHECK (kind IN ('assigned', 'supervised', 'returned', 'overdue', 'move', 'reconciliation', 'dispute', 'contract', 'proxy'));

-- The event-routing table keeps only the functions that make a category competent at a level; its numbered
-- placeholders ("…（示例）2") are gone: the real, sourced services are the county catalogues above.
DELETE FROM devolved_function WHERE synthetic AND category_code IS NULL;
