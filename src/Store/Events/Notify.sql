-- The live-map notice of a batch of new events (one EventNotice per event, joined by ',', on @channel = Channels.Events),
-- sent after the batch committed, in a transaction of its own that does not wait for its commit to reach disk.
-- PostgreSQL holds a database-wide lock from a notifying transaction's pre-commit to its end, WAL flush included: a
-- NOTIFY inside the durable insert made every insert wait for the previous one's fsync. Should the process die between
-- the two, a live map misses these notices; it catches up from event.updated_at like a map that just connected.
SELECT set_config('synchronous_commit', 'off', true), pg_notify(@channel, @payload);
