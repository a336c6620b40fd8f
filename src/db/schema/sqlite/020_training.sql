-- 020: 全能岗 (issue 17). The training bank (应知应会题库) generated from the catalog's own
-- data, so every answer is checkable against an item; quizzes drawn at random by the hall's
-- category; a clerk's passes, which decide the categories the clerk may staff.
CREATE TABLE train_questions (
  id TEXT PRIMARY KEY,                     -- "C-371091011001007000-1"
  category TEXT NOT NULL REFERENCES hall_categories (code),
  item TEXT NOT NULL REFERENCES items (code),
  kind TEXT NOT NULL,                      -- single, multi, truefalse
  text TEXT NOT NULL,
  options TEXT NOT NULL,                   -- JSON array of strings ([] for true/false)
  answer TEXT NOT NULL,                    -- "B", "A,C", "T" or "F"
  basis TEXT NOT NULL                      -- where the answer comes from (the item's field)
);
CREATE INDEX train_questions_category ON train_questions (category);

CREATE TABLE train_quizzes (
  id TEXT PRIMARY KEY,                     -- random hex
  username TEXT NOT NULL,
  category TEXT NOT NULL REFERENCES hall_categories (code),
  questions TEXT NOT NULL,                 -- JSON array of question ids, in the order shown
  answers TEXT,                            -- JSON object: id → the answer given
  score INTEGER,                           -- percent right
  passed INTEGER,
  drawn_ms INTEGER NOT NULL,
  finished_ms INTEGER
);
CREATE INDEX train_quizzes_user ON train_quizzes (username, drawn_ms);

CREATE TABLE train_passes (
  username TEXT NOT NULL,
  category TEXT NOT NULL REFERENCES hall_categories (code),
  quiz TEXT NOT NULL,
  score INTEGER NOT NULL,
  passed_ms INTEGER NOT NULL,
  PRIMARY KEY (username, category)
);
