-- 022: the year in figures (issue 17 §7). What the district's own report states for the
-- year, kept beside the figures the report computes from the data (key → the stated value),
-- so the report shows both. The computed figures are never stored.
CREATE TABLE report_stated (
  key TEXT PRIMARY KEY,
  value DOUBLE PRECISION NOT NULL,
  source TEXT NOT NULL DEFAULT ''           -- where the district states it
);
