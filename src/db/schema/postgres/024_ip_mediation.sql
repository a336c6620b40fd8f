-- 024: the IP people's mediation workstation (知识产权人民调解工作站, issue 17): disputes
-- received, mediated, settled, failed or referred to a court or arbitration, with outcomes.
CREATE TABLE ip_disputes (
  id TEXT PRIMARY KEY,                     -- "IPM2026-0001"
  kind TEXT NOT NULL,                      -- 专利, 商标, 著作权, 商业秘密, 其他
  claimant TEXT NOT NULL,
  respondent TEXT NOT NULL,
  claims TEXT NOT NULL,
  amount_fen BIGINT NOT NULL DEFAULT 0,   -- what the claimant asks
  received_on TEXT NOT NULL,
  state TEXT NOT NULL,                     -- received, mediating, settled, failed, referred
  mediator TEXT,
  mediation_on TEXT,
  ended_on TEXT,
  outcome TEXT NOT NULL DEFAULT '',        -- the agreement, or why it failed
  settled_fen BIGINT,
  referred_to TEXT,                        -- court, arbitration
  recorded_by TEXT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE INDEX ip_disputes_state ON ip_disputes (state, received_on);
