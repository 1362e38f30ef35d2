-- The event and its first history line in one statement (the live-map notice follows in its own transaction:
-- Notify.sql); a second report with the same idempotency key inserts
-- nothing (and returns no row): the caller then reads the first one with Intake.sql's key lookup.
WITH inserted AS (
    INSERT INTO event (id, tracking_no, idempotency_key, channel, category_code, grid_code, urban, geom, building_code, address,
                       description, reporter, contact_name, contact_phone, duplicate_of, state, owner_unit, step_limit_kind,
                       step_limit_amount, due, reported_at, version, history_hash, updated_at)
    OVERRIDING SYSTEM VALUE
    VALUES (@id, @tracking_no, @idempotency_key, @channel, @category, @grid, @urban, ST_SetSRID(ST_MakePoint(@lon, @lat), 4490),
            @building, @address, @description, @reporter, @contact_name, @contact_phone, @duplicate_of, 'Reported', @owner_unit,
            @limit_kind, @limit_amount, @due, @at, 1, @hash, @at)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, county_code
), history AS (
    INSERT INTO event_history (event_id, seq, at, actor, actor_unit, action, from_state, to_state, reason, owner_unit, due, prev_hash, hash)
    SELECT id, 1, @at, @reporter, @actor_unit, 'Report', 'Reported', 'Reported', @channel, @owner_unit, @due, @prev_hash, @hash
    FROM inserted
    RETURNING event_id
)
SELECT i.id
FROM inserted i JOIN history h ON h.event_id = i.id;
