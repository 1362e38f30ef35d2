-- One event with its category, as the workflow needs it.
SELECT e.id, e.tracking_no, e.channel, e.category_code, c.name, c.name_en, c.urgent, c.handle_working_days, c.minor_on_the_spot, c.department,
       e.grid_code, e.urban, ST_X(e.geom), ST_Y(e.geom), e.building_code, e.address, e.description, e.reporter, e.contact_name,
       e.contact_phone, e.duplicate_of, e.state, e.owner_unit, e.owner_department, e.handler_unit, e.handler_department,
       e.step_limit_kind, e.step_limit_amount, e.due, e.paused_remaining, e.suspended_from, e.suspended_at,
       e.pending_extension_kind, e.pending_extension_amount, e.pending_void_reason, e.supervisions, e.reported_at,
       e.version, e.history_hash, e.close_due, e.finished_at, e.resolution_level, e.rework_count, e.extension_count,
       e.escalation_count, e.registered_at, e.dispatched_at, e.idempotency_key, e.overdue_alerted_at, c.major_name
FROM event e JOIN event_category c ON c.code = e.category_code
