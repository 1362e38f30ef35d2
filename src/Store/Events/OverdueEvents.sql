-- Open steps past their deadline that have not been escalated or alerted since the deadline passed, and supervision
-- answers past theirs (the sweep clears a missed one, so it is found once); several
-- API instances may sweep at once, so each takes rows the others have not locked. Loaded history (channel
-- 'history', e.g. 晋中市 2013 as it stood at the year's end) is a record of the past, never swept.
SELECT id
FROM event
WHERE finished_at IS NULL AND channel <> 'history'
  AND ((due IS NOT NULL AND due < @now AND state <> 'Suspended' AND (overdue_alerted_at IS NULL OR overdue_alerted_at < due))
       OR supervision_answer_due < @now)
ORDER BY least(due, supervision_answer_due)
LIMIT @limit;
