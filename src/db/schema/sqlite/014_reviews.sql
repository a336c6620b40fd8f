-- 014: reviews (好差评, issue 14). One review per service (a case, a process
-- run, a finished ticket: the unique index below is the rule), or an open
-- channel's (complaint counter, suggestion box, hotline) with no service
-- behind it. A bad review (level 1 or 2) opens a rectification order for the
-- department that served; a social supervisor's or third party's visit opens
-- one per finding. Callbacks: every bad review's, and a drawn sample of the
-- others. review_figures holds the counts the public page reads, kept in the
-- review's own transaction so that no request counts from scratch.
-- Social supervisors and assessors are stored as applicants with a seat
-- (users.role's CHECK, 001, cannot change in SQLite), read back as their role.
ALTER TABLE users ADD COLUMN seat TEXT;

CREATE TABLE review_keys (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  key TEXT NOT NULL                        -- HMAC key of QR and device tokens
);
INSERT INTO review_keys (id, key) VALUES (1, lower(hex(randomblob(32))));

CREATE TABLE reviews (
  id TEXT PRIMARY KEY,
  subject_kind TEXT NOT NULL CHECK (subject_kind IN ('case', 'run', 'ticket', 'open')),
  subject TEXT,                            -- the case or run number, the ticket id; NULL: open
  channel TEXT NOT NULL,
  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5), -- 5 非常满意 … 1 非常不满意
  scores TEXT NOT NULL DEFAULT '{}',       -- the indicators, each 1..5
  reasons TEXT NOT NULL DEFAULT '[]',      -- a bad review's reason categories
  text TEXT NOT NULL DEFAULT '',
  item TEXT,
  item_name TEXT,
  department TEXT,
  office TEXT,
  window_no INTEGER,
  staff TEXT,
  applicant_kind TEXT,
  rater_user BIGINT,
  contact TEXT,                            -- a phone for the callback: personal data
  created_ms BIGINT NOT NULL,
  month TEXT NOT NULL,                     -- YYYY-MM, local
  excluded INTEGER NOT NULL DEFAULT 0      -- an upheld appeal: kept, out of the figures
);
CREATE UNIQUE INDEX reviews_once ON reviews (subject_kind, subject) WHERE subject IS NOT NULL;
CREATE INDEX reviews_created ON reviews (created_ms);
CREATE INDEX reviews_bad ON reviews (department, created_ms) WHERE level <= 2;
CREATE INDEX reviews_staff ON reviews (staff, month);

CREATE TABLE review_visits (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('supervisor', 'assessor')),
  round TEXT NOT NULL DEFAULT '',          -- a third party's assessment round
  author TEXT NOT NULL,
  office TEXT,
  window_no INTEGER,
  scores TEXT NOT NULL,                    -- the seven dimensions, each 0..100
  findings TEXT NOT NULL DEFAULT '[]',
  visited_ms BIGINT NOT NULL,
  created_ms BIGINT NOT NULL
);
CREATE INDEX review_visits_created ON review_visits (created_ms);

CREATE TABLE review_orders (
  id TEXT PRIMARY KEY,
  review TEXT REFERENCES reviews (id),
  visit TEXT REFERENCES review_visits (id),
  finding TEXT NOT NULL DEFAULT '',
  department TEXT NOT NULL,
  staff TEXT,
  state TEXT NOT NULL CHECK (state IN ('verifying', 'rectifying', 'reported', 'closed',
                                       'appealed', 'annulled')),
  kind TEXT CHECK (kind IN ('immediate', 'deadline', 'explain')),
  due_min BIGINT NOT NULL,                 -- local minutes: the current step's deadline
  yellow_min BIGINT NOT NULL,
  light TEXT NOT NULL DEFAULT 'green',
  escalated INTEGER NOT NULL DEFAULT 0,
  verify_note TEXT NOT NULL DEFAULT '',
  report TEXT NOT NULL DEFAULT '',
  rerating INTEGER,                        -- the rater on the rectification: 3 满意 2 基本满意 1 不满意
  appeal TEXT NOT NULL DEFAULT '',
  appeal_from TEXT,
  decision TEXT NOT NULL DEFAULT '',
  history TEXT NOT NULL DEFAULT '[]',
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL,
  closed_ms BIGINT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX review_orders_department ON review_orders (department, state, due_min);
CREATE INDEX review_orders_state ON review_orders (state, due_min);
CREATE INDEX review_orders_review ON review_orders (review);

CREATE TABLE review_callbacks (
  id TEXT PRIMARY KEY,
  review TEXT NOT NULL REFERENCES reviews (id),
  reason TEXT NOT NULL CHECK (reason IN ('bad', 'sample')),
  department TEXT,
  state TEXT NOT NULL CHECK (state IN ('due', 'done', 'unreachable')),
  result TEXT NOT NULL DEFAULT '',
  confirmed INTEGER,                       -- the level the rater confirmed on the phone
  staff TEXT,
  due_min BIGINT NOT NULL,
  created_ms BIGINT NOT NULL,
  done_ms BIGINT
);
CREATE INDEX review_callbacks_department ON review_callbacks (department, state, due_min);
CREATE UNIQUE INDEX review_callbacks_review ON review_callbacks (review);

CREATE TABLE review_figures (
  month TEXT NOT NULL,
  -- the reviews by level (n1..n5) of the month, and each dimension's; 'callback': the
  -- callbacks made in the month (n1, key done or unreachable)
  dim TEXT NOT NULL CHECK (dim IN ('all', 'department', 'window', 'item', 'staff', 'callback')),
  key TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  n1 BIGINT NOT NULL DEFAULT 0,
  n2 BIGINT NOT NULL DEFAULT 0,
  n3 BIGINT NOT NULL DEFAULT 0,
  n4 BIGINT NOT NULL DEFAULT 0,
  n5 BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (dim, month, key)            -- one b-tree: a dimension's months lie together
) WITHOUT ROWID;
