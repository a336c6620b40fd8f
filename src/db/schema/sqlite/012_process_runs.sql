-- 012: composite processes at work (issue 13): one application of a process
-- (process_runs) and its parts, each an ordinary case that names its run and
-- its part's index in the definition. The run keeps the definition as it
-- was submitted, the one form and material set, and which parts the answers
-- chose (bit sets: chosen, cancelled by the process, failed to start as
-- filed because its item changed since); where each other part
-- stands is read from its case (core/process/run_row.c).
CREATE TABLE process_runs (
  no TEXT PRIMARY KEY,
  process TEXT NOT NULL,
  process_name TEXT NOT NULL,
  doc TEXT NOT NULL,
  filed_by BIGINT NOT NULL,
  applicant_user BIGINT,
  applicant TEXT NOT NULL,
  phone4 TEXT NOT NULL,
  channel TEXT NOT NULL,
  accept_office TEXT NOT NULL,
  decide_office TEXT NOT NULL,
  answers TEXT NOT NULL,
  form TEXT NOT NULL,
  materials TEXT NOT NULL,
  delivery TEXT,
  commitment INTEGER NOT NULL DEFAULT 0,
  chosen BIGINT NOT NULL,
  cancelled BIGINT NOT NULL DEFAULT 0,
  failed BIGINT NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'running'
    CHECK (state IN ('running', 'approved', 'partial', 'denied', 'withdrawn')),
  accepted_ms BIGINT,
  deadline TEXT,
  deadline_min BIGINT,
  yellow_min BIGINT,
  decided_ms BIGINT,
  submitted_ms BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX process_runs_applicant ON process_runs (applicant_user, no);
CREATE INDEX process_runs_state ON process_runs (state, process);
CREATE INDEX process_runs_office ON process_runs (accept_office, state);
ALTER TABLE cases ADD COLUMN process_run TEXT;
ALTER TABLE cases ADD COLUMN process_part INTEGER;
CREATE INDEX cases_process_run ON cases (process_run) WHERE process_run IS NOT NULL;
