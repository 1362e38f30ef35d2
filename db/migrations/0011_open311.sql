-- Open311 GeoReport v2 clients (a city's app, a partner's portal): each holds an API key that POST requests.json
-- requires. Only the key's SHA-256 is kept (keys are 256 random bits, so a fast hash is enough); the key itself is
-- printed once by `gridmap open311 key create`. A revoked key stops working within a minute (GeoApi
-- remembers a valid key that long).
CREATE TABLE open311_client (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{1,39}$'),
    key_hash    bytea NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

-- GET requests.json filters by channel-independent date ranges newest first; event_reported_idx serves it. Requests
-- by tracking number use the unique index on tracking_no.

-- Intake looks for a likely duplicate (same category, open, within 50 m, last 24 h) on every report. With the point
-- alone the GiST index returns every event near it, of all categories, and a busy grid pays for all of them (10 ms
-- at 40,000 events in one grid); with the category in the same index it reads only that category's open events.
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE INDEX event_open_category_geom_idx ON event USING gist (category_code, geom_3857) WHERE finished_at IS NULL;
