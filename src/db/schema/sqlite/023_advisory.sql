-- 023: 金融辅导队 and the 信财银保 platform (issue 17). Advisory teams (a bank's and the
-- bureau's people) paired with firms, their visits and the financing each helped arrange;
-- the firms registered on the city's finance platform and the loans granted through it.
CREATE TABLE fin_advisory_teams (
  code TEXT PRIMARY KEY,                   -- "T1"
  name TEXT NOT NULL,
  bank TEXT NOT NULL,
  members TEXT NOT NULL                    -- JSON array of names
);

CREATE TABLE fin_advisory_firms (
  credit_code TEXT PRIMARY KEY,            -- a firm has one team
  team TEXT NOT NULL REFERENCES fin_advisory_teams (code),
  firm TEXT NOT NULL,
  paired_on TEXT NOT NULL
);
CREATE INDEX fin_advisory_firms_team ON fin_advisory_firms (team);

CREATE TABLE fin_advisory_visits (
  id INTEGER PRIMARY KEY,
  team TEXT NOT NULL REFERENCES fin_advisory_teams (code),
  credit_code TEXT NOT NULL REFERENCES fin_advisory_firms (credit_code),
  on_day TEXT NOT NULL,
  note TEXT NOT NULL,
  financing_fen INTEGER NOT NULL DEFAULT 0, -- the financing the visit helped arrange
  actor TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
CREATE INDEX fin_advisory_visits_team ON fin_advisory_visits (team, on_day);

CREATE TABLE fin_platform_loans (
  id INTEGER PRIMARY KEY,
  credit_code TEXT NOT NULL,
  firm TEXT NOT NULL,
  kind TEXT NOT NULL,                      -- registered (the firm joins), loan (a loan granted)
  bank TEXT NOT NULL DEFAULT '',
  amount_fen INTEGER NOT NULL DEFAULT 0,
  on_day TEXT NOT NULL,
  actor TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
CREATE INDEX fin_platform_loans_day ON fin_platform_loans (kind, on_day);
