-- Live maps hear of events a publish moved to another grid, on @channel (Channels.Events) in the intake's format (EventNotices
-- joined by ','); NOTIFY is delivered on commit, so a rolled-back publish announces nothing.
SELECT pg_notify(@channel, @payload)
