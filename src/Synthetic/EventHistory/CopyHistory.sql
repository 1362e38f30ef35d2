COPY event_history (event_id, seq, at, actor, actor_unit, actor_department, action, from_state, to_state, reason, owner_unit,
                    owner_department, due, prev_hash, hash)
FROM STDIN (FORMAT BINARY)
