-- The incidents tile layer draws events that are open or finished within the last 7 days. Over years of finished
-- events the geometry index alone made a tile read every event in its box: a z7 tile over Jinzhong's 342,180 events of
-- 2013 took 184–213 ms without the command centre's "open only" filter. With these two indexes each half is found
-- directly (incidents.sql reads them as two branches): 14 ms (EXPLAIN ANALYZE on the bench cluster).
CREATE INDEX event_open_geom_3857_idx ON event USING gist (geom_3857) WHERE finished_at IS NULL;
CREATE INDEX event_finished_at_idx ON event (finished_at) WHERE finished_at IS NOT NULL;
