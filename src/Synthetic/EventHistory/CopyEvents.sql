COPY event (id, tracking_no, channel, category_code, grid_code, urban, geom, description, reporter, state, owner_unit, owner_department,
            handler_unit, handler_department, step_limit_kind, step_limit_amount, due, paused_remaining, suspended_from, suspended_at,
            pending_extension_kind, pending_extension_amount, pending_void_reason, supervisions, reported_at, accepted_at, registered_at,
            registered_on_time, dispatched_at, handled_at, close_due, finished_at, closed_on_time, rework_count, extension_count,
            escalation_count, resolution_level, version, history_hash, updated_at)
FROM STDIN (FORMAT BINARY)
