-- 001: the foundation — offices, departments, accounts, sessions, the
-- working-day calendar, the service-item catalog, and the audit chain.
-- Times are UTC milliseconds (BIGINT); calendar days are 'YYYY-MM-DD' text.

CREATE TABLE offices (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('district', 'town', 'village')),
  parent TEXT REFERENCES offices (code)
);

CREATE TABLE departments (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  short_name TEXT NOT NULL DEFAULT '',
  floor INTEGER NOT NULL DEFAULT 2
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('applicant', 'clerk', 'approver', 'supervisor', 'admin')),
  name TEXT NOT NULL DEFAULT '',
  kind TEXT CHECK (kind IN ('person', 'business')),
  id_number TEXT,
  phone TEXT,
  department TEXT REFERENCES departments (code),
  office TEXT REFERENCES offices (code),
  demo INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_ms BIGINT NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  csrf TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE calendar_years (
  year INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  loaded_ms BIGINT NOT NULL
);

CREATE TABLE calendar_days (
  day TEXT PRIMARY KEY,
  year INTEGER NOT NULL REFERENCES calendar_years (year) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('off', 'work')),
  name TEXT NOT NULL
);
CREATE INDEX calendar_days_year ON calendar_days (year);

CREATE TABLE items (
  code TEXT PRIMARY KEY,
  basic_code TEXT NOT NULL,
  name TEXT NOT NULL,
  department TEXT NOT NULL REFERENCES departments (code),
  level TEXT NOT NULL CHECK (level IN ('district', 'town', 'village')),
  type TEXT NOT NULL,
  case_type TEXT NOT NULL CHECK (case_type IN ('instant', 'promised')),
  online_depth INTEGER NOT NULL CHECK (online_depth BETWEEN 1 AND 4),
  visits INTEGER NOT NULL,
  legal_value INTEGER NOT NULL,
  legal_unit TEXT NOT NULL,
  promised_value INTEGER NOT NULL,
  promised_unit TEXT NOT NULL,
  levels_before INTEGER NOT NULL DEFAULT 0,
  levels INTEGER NOT NULL DEFAULT 0,
  signatures_before INTEGER NOT NULL DEFAULT 0,
  signatures INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
  keywords TEXT NOT NULL DEFAULT '',
  doc TEXT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE INDEX items_department ON items (department, code);
CREATE INDEX items_level ON items (level, code);

CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY,
  at_ms BIGINT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  before TEXT,
  after TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);

-- The chain's head: the last event's id and hash, moved in the same
-- transaction as every append, so removing the newest events is detected.
CREATE TABLE audit_head (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  last_id INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (one, last_id, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
