-- A proxy request past its time limit at a desk is announced once (inbox and text message) to the desk holding it
-- and to whoever took it; this marks that it was.
ALTER TABLE proxy_request ADD COLUMN overdue_noticed_at timestamptz;
