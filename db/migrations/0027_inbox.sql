-- The personal inbox and the text-message outbox (issue 17): an item for each person an event step concerns (assigned,
-- supervised, returned for rework, overdue), written in the same transaction as the step, so none is lost across a
-- restart; read/unread per item. Each item with a phone number to send to also waits in sms_outbox until a gateway
-- accepts it (at least once: a crash after sending and before marking sends again, with the same outbox id).
ALTER TABLE account ADD COLUMN phone text CHECK (phone ~ '^1[0-9]{10}$');

CREATE TABLE inbox_item (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username    text NOT NULL CHECK (length(username) <= 40),
    kind        text NOT NULL CHECK (kind IN ('assigned', 'supervised', 'returned', 'overdue')),
    event_id    bigint REFERENCES event (id),
    text        text NOT NULL CHECK (length(text) <= 500),
    created_at  timestamptz NOT NULL,
    read_at     timestamptz
);
CREATE INDEX inbox_item_username_idx ON inbox_item (username, id DESC);

CREATE TABLE sms_outbox (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    inbox_item_id  bigint NOT NULL UNIQUE REFERENCES inbox_item (id),
    phone          text NOT NULL CHECK (phone ~ '^1[0-9]{10}$'),
    text           text NOT NULL CHECK (length(text) <= 500),
    created_at     timestamptz NOT NULL,
    attempts       integer NOT NULL DEFAULT 0,
    last_error     text,
    sent_at        timestamptz
);
CREATE INDEX sms_outbox_waiting_idx ON sms_outbox (id) WHERE sent_at IS NULL;
