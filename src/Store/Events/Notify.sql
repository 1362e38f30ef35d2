-- The live-map notice of a new event ('<id> <county> <version>' on gridmap_events), sent after the event committed,
-- in a transaction of its own that does not wait for its commit to reach disk. PostgreSQL holds a database-wide lock
-- from a notifying transaction's pre-commit to its end, WAL flush included: a NOTIFY inside the durable insert made
-- every report wait for the previous one's fsync (about 240 reports/s on this machine's disk, whatever the
-- concurrency). Should the process die between the two, a live map misses one notice; it catches up from
-- event.updated_at like a map that just connected.
SELECT set_config('synchronous_commit', 'off', true), pg_notify('gridmap_events', @payload);
