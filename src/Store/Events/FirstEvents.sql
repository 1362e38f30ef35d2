-- The events holding these idempotency keys: what a report answers when another request with its key got there first.
SELECT e.idempotency_key, e.id, e.tracking_no, c.handle_working_days
FROM event e JOIN event_category c ON c.code = e.category_code
WHERE e.idempotency_key = ANY (@keys);
