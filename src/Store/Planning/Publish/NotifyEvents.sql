-- Live maps hear of events a publish moved to another grid, in the intake's notice format ('<id> <county> <version>'
-- joined by ','); NOTIFY is delivered on commit, so a rolled-back publish announces nothing.
SELECT pg_notify('gridmap_events', @payload)
