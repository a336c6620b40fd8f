-- 019: 惠企资金 (issue 17): subsidies and awards to firms whose amounts a rule computes —
-- 科技支行 loan interest subsidies, 政银保 insurance premium subsidies, IP awards. A scheme
-- belongs to a catalog item (the firm applies through it, a case) and says its rule, its
-- parameters, the cap per firm per year and the year's budget; an approved application
-- becomes a grant with its computed amount and basis, paid as an entry of the journal.
CREATE TABLE fin_grant_schemes (
  item TEXT PRIMARY KEY REFERENCES items (code),
  name TEXT NOT NULL,
  kind TEXT NOT NULL,                      -- interest, premium, ip
  params TEXT NOT NULL,                    -- JSON: share_percent, unit_yuan {…}
  cap_fen INTEGER NOT NULL,                -- per firm per year
  budget_fen INTEGER NOT NULL              -- per year, for all firms
);

CREATE TABLE fin_grants (
  case_no TEXT PRIMARY KEY REFERENCES cases (no),
  item TEXT NOT NULL REFERENCES fin_grant_schemes (item),
  year INTEGER NOT NULL,                   -- the budget year (of the approval)
  credit_code TEXT NOT NULL,
  firm TEXT NOT NULL,
  applicant_user INTEGER REFERENCES users (id),
  computed_fen INTEGER NOT NULL,           -- what the rule gives
  amount_fen INTEGER NOT NULL,             -- after the cap
  basis TEXT NOT NULL,                     -- the computation, as the notice says it
  state TEXT NOT NULL,                     -- approved, paid
  approved_ms INTEGER NOT NULL,
  paid_on TEXT,
  voucher TEXT,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX fin_grants_firm ON fin_grants (credit_code, item, year);
CREATE INDEX fin_grants_item ON fin_grants (item, year, state);
