-- 005: cases (办件) — the case row with its clock, the public timeline, the
-- daily case-number sequence, uploaded materials (content-addressed),
-- post-check tasks of commitment-based items, round-robin cursors, and the
-- notifications waiting for a gateway (SMS, e-mail).

CREATE TABLE case_numbers (
  day TEXT PRIMARY KEY,
  last INTEGER NOT NULL
);

CREATE TABLE materials (
  sha256 TEXT PRIMARY KEY,
  type TEXT NOT NULL CHECK (type IN ('pdf', 'jpeg', 'png', 'ofd')),
  size INTEGER NOT NULL,
  content TEXT NOT NULL, -- base64: portable across both backends and `copy`
  uploader INTEGER REFERENCES users (id),
  created_ms BIGINT NOT NULL
);

CREATE TABLE cases (
  no TEXT PRIMARY KEY,
  item TEXT NOT NULL REFERENCES items (code),
  item_name TEXT NOT NULL,
  department TEXT NOT NULL REFERENCES departments (code),
  rule TEXT NOT NULL,          -- the item's rules at submission: limits, steps, assignment, materials
  applicant_user INTEGER REFERENCES users (id),
  applicant TEXT NOT NULL,     -- personal data, JSON; leaves the case module masked
  phone4 TEXT NOT NULL,
  channel TEXT NOT NULL,
  accept_office TEXT NOT NULL REFERENCES offices (code),
  decide_office TEXT NOT NULL REFERENCES offices (code),
  state TEXT NOT NULL,
  form TEXT NOT NULL,
  materials TEXT NOT NULL,
  missing TEXT NOT NULL DEFAULT '[]',
  due_day TEXT,                -- correction or supplement deadline
  step INTEGER NOT NULL DEFAULT -1,
  step_department TEXT,
  assignee TEXT,
  accepted_ms BIGINT,
  deadline TEXT,
  deadline_min BIGINT,         -- local minutes: the light turns red at this moment
  yellow_min BIGINT,           -- local minutes: the light turns yellow at this moment
  stopped_ms BIGINT,           -- the clock stopped (suspended, returned) since
  light TEXT NOT NULL DEFAULT 'none',
  decided_ms BIGINT,
  closed_ms BIGINT,
  delivery TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  submitted_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE INDEX cases_state ON cases (state, deadline_min);
CREATE INDEX cases_step_department ON cases (step_department, state, deadline_min);
CREATE INDEX cases_assignee ON cases (assignee, state);
CREATE INDEX cases_applicant ON cases (applicant_user, no);
CREATE INDEX cases_accept_office ON cases (accept_office, state);

CREATE TABLE case_events (
  case_no TEXT NOT NULL REFERENCES cases (no),
  seq INTEGER NOT NULL,
  at_ms BIGINT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  step INTEGER NOT NULL DEFAULT -1,
  note TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (case_no, seq)
);

CREATE TABLE post_checks (
  case_no TEXT PRIMARY KEY REFERENCES cases (no),
  department TEXT NOT NULL REFERENCES departments (code),
  due_day TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'passed', 'failed')),
  result TEXT NOT NULL DEFAULT '',
  done_by TEXT,
  done_ms BIGINT,
  created_ms BIGINT NOT NULL
);
CREATE INDEX post_checks_department ON post_checks (department, state, due_day);

CREATE TABLE assign_cursors (
  department TEXT PRIMARY KEY,
  last_user INTEGER NOT NULL
);

CREATE TABLE notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms BIGINT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
  recipient TEXT NOT NULL,     -- 'user:<username>' or 'case:<no>' (the applicant); resolved when sent
  text TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  sent_ms BIGINT
);
CREATE INDEX notifications_pending ON notifications (state, id);
