-- 013: bank outlets (政银合作, issue 13): a bank clerk registers businesses on the
-- bank's premises, filing for the office whose window accepts what the outlet
-- files. An outlet's seat (role bank) sees the runs filed at its outlet only.
-- users.role's CHECK (001) is left as it is, SQLite being unable to alter it:
-- a bank seat is stored as role 'clerk' with its outlet, and read back as
-- the role bank (core/common/account.c).
CREATE TABLE outlets (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  bank TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  office TEXT NOT NULL REFERENCES offices (code)
);
ALTER TABLE users ADD COLUMN outlet TEXT;
ALTER TABLE process_runs ADD COLUMN outlet TEXT;
CREATE INDEX process_runs_outlet ON process_runs (outlet, no) WHERE outlet IS NOT NULL;
