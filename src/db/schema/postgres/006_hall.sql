-- 006 (PostgreSQL): the service hall — zones on floors, business categories (a letter
-- prefix and the items they cover), windows and who staffs them, paperless
-- queue tickets with the day's number sequence per prefix, and appointments.

CREATE TABLE hall_zones (
  code TEXT PRIMARY KEY,
  floor INTEGER NOT NULL,
  name TEXT NOT NULL
);

CREATE TABLE hall_categories (
  code TEXT PRIMARY KEY CHECK (char_length(code) = 1), -- the ticket prefix: A, B, …
  name TEXT NOT NULL,
  zone TEXT NOT NULL REFERENCES hall_zones (code),
  items TEXT NOT NULL DEFAULT '[]',       -- JSON: the service items it covers
  slot_capacity INTEGER NOT NULL DEFAULT 4,
  default_service_s INTEGER NOT NULL DEFAULT 300
);

CREATE TABLE hall_windows (
  no INTEGER PRIMARY KEY,
  floor INTEGER NOT NULL,
  zone TEXT NOT NULL REFERENCES hall_zones (code),
  categories TEXT NOT NULL,               -- JSON array of category codes, or "*" (全能窗口)
  state TEXT NOT NULL DEFAULT 'closed' CHECK (state IN ('closed', 'open', 'paused')),
  staff TEXT,                             -- the signed-in clerk's username
  allowed TEXT NOT NULL DEFAULT '"*"',    -- JSON array of usernames who may sign in here, or "*"
  version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE ticket_numbers (
  day TEXT NOT NULL,
  category TEXT NOT NULL,
  last INTEGER NOT NULL,
  PRIMARY KEY (day, category)
);

CREATE TABLE tickets (
  id TEXT PRIMARY KEY,                    -- YYYYMMDD-A001
  day TEXT NOT NULL,
  category TEXT NOT NULL REFERENCES hall_categories (code),
  number TEXT NOT NULL,                   -- A001
  priority TEXT NOT NULL CHECK (priority IN ('green', 'appointment', 'normal')),
  reason TEXT NOT NULL DEFAULT '',        -- why the green channel
  channel TEXT NOT NULL,
  holder TEXT NOT NULL,                   -- who holds it: user:<id> or a hash of the phone given at the kiosk
  secret_hash TEXT NOT NULL,              -- SHA-256 of the e-ticket page's key
  state TEXT NOT NULL CHECK (state IN ('waiting', 'called', 'serving', 'done', 'missed', 'expired')),
  issued_ms BIGINT NOT NULL,              -- kept through transfers and requeues
  called_ms BIGINT,
  started_ms BIGINT,
  finished_ms BIGINT,
  window_no INTEGER,
  target_window INTEGER,                  -- a transfer to one window
  recalls INTEGER NOT NULL DEFAULT 0,
  requeued INTEGER NOT NULL DEFAULT 0,
  appointment TEXT,
  slot_ms BIGINT,                         -- an appointment's slot start: priority from then on
  cases TEXT NOT NULL DEFAULT '[]',
  staff TEXT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tickets_waiting ON tickets (state, category, priority, issued_ms);
CREATE INDEX tickets_day ON tickets (day, category);
CREATE INDEX tickets_holder ON tickets (holder); -- not (holder, state): a call would move its entry

CREATE TABLE appointments (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  category TEXT NOT NULL REFERENCES hall_categories (code),
  day TEXT NOT NULL,
  slot TEXT NOT NULL,                     -- HH:MM, the slot's start
  state TEXT NOT NULL CHECK (state IN ('booked', 'cancelled', 'checked_in', 'missed')),
  ticket TEXT,
  reminded INTEGER NOT NULL DEFAULT 0,
  created_ms BIGINT NOT NULL
);
CREATE INDEX appointments_slot ON appointments (category, day, slot, state);
CREATE INDEX appointments_user ON appointments (user_id, day);
