-- 003: the outbox (events someone must be told about, written in the same
-- transaction as the change; ids grow in commit order) and job leases (a
-- scheduled job runs on one node of a cluster at a time).
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms BIGINT NOT NULL,
  topic TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  payload TEXT NOT NULL
);

CREATE TABLE job_leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL DEFAULT '',
  until_ms BIGINT NOT NULL DEFAULT 0,
  last_run_ms BIGINT NOT NULL DEFAULT 0
);
