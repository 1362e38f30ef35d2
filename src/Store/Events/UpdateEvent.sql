-- Writes a transition as the workflow computed it (GridMap.Domain.Events.EventWorkflow, EventIndicators): the new
-- workflow state and indicators, the history line, and a notice for live maps on @channel (Channels.Events),
-- formatted here as an EventNotice: '<id> <county> <version>'.
WITH updated AS (
    UPDATE event SET
        state = @state, owner_unit = @owner_unit, owner_department = @owner_department,
        handler_unit = @handler_unit, handler_department = @handler_department,
        step_limit_kind = @limit_kind, step_limit_amount = @limit_amount, due = @due,
        paused_remaining = @paused_remaining, suspended_from = @suspended_from, suspended_at = @suspended_at,
        pending_extension_kind = @pending_extension_kind, pending_extension_amount = @pending_extension_amount,
        pending_void_reason = @pending_void_reason, supervisions = @supervisions,
        holder = @holder, handler_holder = @handler_holder,
        supervision_answer_due = @supervision_answer_due, supervised_by = @supervised_by,
        accepted_at = @accepted_at, registered_at = @registered_at, registered_on_time = @registered_on_time,
        dispatched_at = @dispatched_at, handled_at = @handled_at,
        close_due = @close_due, finished_at = @finished_at, closed_on_time = @closed_on_time,
        rework_count = @rework_count, extension_count = @extension_count, escalation_count = @escalation_count,
        resolution_level = @resolution_level, overdue_alerted_at = @overdue_alerted_at,
        version = version + 1, history_hash = @hash, updated_at = @at
    WHERE id = @id AND version = @version
    RETURNING id, county_code, version
), history AS (
    INSERT INTO event_history (event_id, seq, at, actor, actor_unit, actor_department, action, from_state, to_state, reason,
                               owner_unit, owner_department, due, prev_hash, hash, holder)
    SELECT id, @seq, @at, @actor, @actor_unit, @actor_department, @action, @from_state, @state, @reason,
           @owner_unit, @owner_department, @due, @prev_hash, @hash, @holder
    FROM updated
    RETURNING event_id
)
SELECT u.version, pg_notify(@channel, u.id || ' ' || u.county_code || ' ' || u.version)
FROM updated u JOIN history h ON h.event_id = u.id;
