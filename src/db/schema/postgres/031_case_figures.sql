-- 031: the cases' kept figures — what the supervisor's figures sum, kept by
-- each case's own transaction (core/case/figures.c) instead of counted over
-- every case at each look: per month of submission and department, how many
-- cases, accepted, closed and in review, and of the decided how many on time
-- and the working days used against promised. `yichuang migrate` fills it
-- for a store that had cases before it.
CREATE TABLE case_figures (
  month TEXT NOT NULL,          -- YYYY-MM, local, of submission
  department TEXT NOT NULL,
  cases BIGINT NOT NULL DEFAULT 0,
  accepted BIGINT NOT NULL DEFAULT 0,
  closed BIGINT NOT NULL DEFAULT 0,
  in_review BIGINT NOT NULL DEFAULT 0,
  decided BIGINT NOT NULL DEFAULT 0,
  on_time BIGINT NOT NULL DEFAULT 0,
  day_cases BIGINT NOT NULL DEFAULT 0,       -- decided with a limit in working days
  workdays_used BIGINT NOT NULL DEFAULT 0,
  workdays_promised BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (month, department)
);
