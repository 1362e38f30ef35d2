-- The grid manager's field work (issue 16): visits (走访) to households and patrols (隐患巡查) with their tracks,
-- both sent from the field app, which queues them offline. Each carries the idempotency key the app gave it when it
-- was recorded, so a retried upload (a sync cut off after the server committed) never writes twice. A county's
-- population reload removes its visits, as it does its register history.

CREATE TABLE field_visit (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor            text NOT NULL,
    grid_code        text COLLATE "C" NOT NULL,
    household_id     bigint NOT NULL REFERENCES household (id),
    -- When the manager recorded it on the phone (China time is shown; stored as an instant), and when it arrived.
    visited_at       timestamptz NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    note             text NOT NULL CHECK (length(note) BETWEEN 2 AND 2000),
    position         geometry(Point, 4490),
    photo            bytea CHECK (photo IS NULL OR length(photo) <= 5 * 1024 * 1024),
    photo_type       text CHECK (photo_type IN ('image/jpeg', 'image/png', 'image/webp')),
    idempotency_key  text NOT NULL CHECK (length(idempotency_key) BETWEEN 8 AND 100),
    UNIQUE (actor, idempotency_key)
);
CREATE INDEX field_visit_household_idx ON field_visit (household_id, visited_at);
CREATE INDEX field_visit_grid_idx ON field_visit (grid_code, visited_at);

-- A patrol: the track the phone recorded between start and stop (a point every ≤ 30 s or 20 m), uploaded whole at the
-- end. Coverage (巡查覆盖率) is the share of the grid's buildings the track passed within 50 m.
CREATE TABLE patrol (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor            text NOT NULL,
    grid_code        text COLLATE "C" NOT NULL,
    started_at       timestamptz NOT NULL,
    ended_at         timestamptz NOT NULL CHECK (ended_at >= started_at),
    -- The China day the patrol started on: the unit of the daily figures.
    day              date NOT NULL,
    track            geometry(LineString, 4490) NOT NULL,
    points           integer NOT NULL CHECK (points >= 2),
    length_m         double precision NOT NULL CHECK (length_m >= 0),
    buildings        integer NOT NULL CHECK (buildings >= 0),
    buildings_passed integer NOT NULL CHECK (buildings_passed BETWEEN 0 AND buildings),
    received_at      timestamptz NOT NULL DEFAULT now(),
    idempotency_key  text NOT NULL CHECK (length(idempotency_key) BETWEEN 8 AND 100),
    UNIQUE (actor, idempotency_key)
);
CREATE INDEX patrol_grid_day_idx ON patrol (grid_code, day);
CREATE INDEX patrol_track_idx ON patrol USING gist (track);

-- Check-ins at the grid's key points during a patrol (a building of the grid, or a place by its position).
CREATE TABLE patrol_checkin (
    patrol_id        bigint NOT NULL REFERENCES patrol (id),
    at               timestamptz NOT NULL,
    label            text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
    building_code    text COLLATE "C",
    position         geometry(Point, 4490) NOT NULL
);
CREATE INDEX patrol_checkin_patrol_idx ON patrol_checkin (patrol_id);

-- A photo uploaded from the field app's queue carries a key too: a retried upload stores it once.
ALTER TABLE event_photo ADD COLUMN idempotency_key text CHECK (length(idempotency_key) BETWEEN 8 AND 100);
CREATE UNIQUE INDEX event_photo_idempotency_idx ON event_photo (event_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
