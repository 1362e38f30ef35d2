-- One event with its category, as the workflow needs it (read by column name).
SELECT e.id, e.tracking_no, e.channel, e.category_code, c.name AS category_name, c.urgent, c.handle_working_days,
       c.minor_on_the_spot, c.department AS category_department, c.major_name,
       e.grid_code, e.urban, ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat, e.building_code, e.address, e.description, e.reporter,
       e.contact_name, e.contact_phone, e.duplicate_of, e.state, e.owner_unit, e.owner_department, e.handler_unit,
       e.handler_department, e.step_limit_kind, e.step_limit_amount, e.due, e.paused_remaining, e.suspended_from,
       e.suspended_at, e.pending_extension_kind, e.pending_extension_amount, e.pending_void_reason, e.supervisions,
       e.reported_at, e.accepted_at, e.registered_at, e.registered_on_time, e.dispatched_at, e.handled_at, e.close_due,
       e.finished_at, e.closed_on_time, e.rework_count, e.extension_count, e.escalation_count, e.resolution_level,
       e.overdue_alerted_at, e.version, e.history_hash, e.holder, e.handler_holder,
       e.supervision_answer_due, e.supervised_by
FROM event e JOIN event_category c ON c.code = e.category_code
