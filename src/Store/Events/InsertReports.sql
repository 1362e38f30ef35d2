-- A batch of new events and their first history lines in one statement, so one commit (one WAL flush) makes the
-- whole batch durable. A report whose idempotency key another request stored meanwhile inserts nothing and returns
-- no row: the store then answers with that first event (FirstEvents.sql). The live-map notice follows in its own
-- transaction (Notify.sql).
WITH report AS (
    SELECT *
    FROM unnest(@id::bigint[], @tracking_no::text[], @idempotency_key::text[], @channel::text[], @category::text[], @grid::text[],
                @urban::boolean[], @lon::float8[], @lat::float8[], @building::text[], @address::text[], @description::text[],
                @reporter::text[], @contact_name::text[], @contact_phone::text[], @duplicate_of::bigint[], @owner_unit::text[],
                @limit_kind::text[], @limit_amount::integer[], @due::timestamptz[], @actor_unit::text[], @hash::text[])
         AS r (id, tracking_no, idempotency_key, channel, category, grid, urban, lon, lat, building, address, description, reporter,
               contact_name, contact_phone, duplicate_of, owner_unit, limit_kind, limit_amount, due, actor_unit, hash)
), inserted AS (
    INSERT INTO event (id, tracking_no, idempotency_key, channel, category_code, grid_code, urban, geom, building_code, address,
                       description, reporter, contact_name, contact_phone, duplicate_of, state, owner_unit, step_limit_kind,
                       step_limit_amount, due, reported_at, version, history_hash, updated_at)
    OVERRIDING SYSTEM VALUE
    SELECT id, tracking_no, idempotency_key, channel, category, grid, urban, ST_SetSRID(ST_MakePoint(lon, lat), 4490),
           building, address, description, reporter, contact_name, contact_phone, duplicate_of, 'Reported', owner_unit,
           limit_kind, limit_amount, due, @at, 1, hash, @at
    FROM report
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id
), history AS (
    INSERT INTO event_history (event_id, seq, at, actor, actor_unit, action, from_state, to_state, reason, owner_unit, due, prev_hash, hash)
    SELECT r.id, 1, @at, r.reporter, r.actor_unit, 'Report', 'Reported', 'Reported', r.channel, r.owner_unit, r.due, @prev_hash, r.hash
    FROM report r JOIN inserted i ON i.id = r.id
    RETURNING event_id
)
SELECT event_id FROM history;
