-- 效能监察: the alerts the watch's rules raise (one live — open or acked — per rule and
-- subject), with their evidence, acknowledged and closed with a note by a supervisor.
CREATE TABLE watch_alerts (
  id TEXT PRIMARY KEY,
  rule TEXT NOT NULL,
  subject TEXT NOT NULL,
  title TEXT NOT NULL,
  evidence TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'acked', 'closed')),
  raised_ms BIGINT NOT NULL,
  seen_ms BIGINT NOT NULL,
  cleared_ms BIGINT,
  acked_by TEXT,
  acked_ms BIGINT,
  closed_by TEXT,
  closed_ms BIGINT,
  note TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX watch_alerts_live ON watch_alerts (rule, subject) WHERE state <> 'closed';
CREATE INDEX watch_alerts_raised ON watch_alerts (raised_ms);
-- the refusals rule reads the last 30 days of decisions every run
CREATE INDEX case_events_at ON case_events (at_ms);
