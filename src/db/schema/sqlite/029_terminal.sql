-- 24小时自助终端: one-time codes (their SHA-256 with the id, never the digits; who: the SHA-256
-- of the ID number asked for, to count requests without keeping it; user_id 0: no account
-- matched), the visits they open (minutes in which a terminal acts for one person) and the
-- prints made in them (each audited; its token fetches the PDF for two minutes).
CREATE TABLE terminal_codes (
  id TEXT PRIMARY KEY,
  terminal TEXT NOT NULL,
  user_id BIGINT NOT NULL,
  who TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL,
  tries INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('sent', 'verified', 'failed'))
);
CREATE INDEX terminal_codes_who ON terminal_codes (who, created_ms);
CREATE TABLE terminal_visits (
  id TEXT PRIMARY KEY,
  terminal TEXT NOT NULL,
  user_id BIGINT NOT NULL,
  started_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL,
  ended_ms BIGINT
);
CREATE TABLE terminal_prints (
  id TEXT PRIMARY KEY,
  visit TEXT NOT NULL REFERENCES terminal_visits (id),
  terminal TEXT NOT NULL,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  notice TEXT NOT NULL,
  created_ms BIGINT NOT NULL
);
