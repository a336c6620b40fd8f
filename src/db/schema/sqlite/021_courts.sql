-- 021: 分调裁审 (issue 17). The court's rules (one document: the simple track's limits, the
-- dispute types with their element forms, the teams and their judges, the community grid
-- courts), and each filing (a 网上立案 case) on its way: pre-litigation mediation at a grid
-- court, or registration with its track (繁简分流), team and judge (随机+人工), the parties'
-- element forms (要素式审判), and its close.
CREATE TABLE court_rules (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  doc TEXT NOT NULL
);

CREATE TABLE court_cases (
  case_no TEXT PRIMARY KEY REFERENCES cases (no),
  dispute_type TEXT NOT NULL,
  commercial INTEGER NOT NULL,             -- a business dispute (商事)
  amount_fen INTEGER NOT NULL,
  parties INTEGER NOT NULL,
  defendant TEXT NOT NULL,
  community TEXT NOT NULL,
  grid_court TEXT NOT NULL,                -- the community's 网格法庭 (its code)
  applicant_user INTEGER REFERENCES users (id),
  state TEXT NOT NULL,                     -- mediating, settled, filed, closed
  track TEXT,                              -- simple, complex (set when filed)
  small_claims INTEGER NOT NULL DEFAULT 0,
  track_basis TEXT,                        -- the rule that decided it
  team TEXT,
  judge TEXT,
  assign_note TEXT,                        -- a manual reassignment's reason
  elements TEXT NOT NULL DEFAULT '{}',     -- JSON: party → the element form filled
  received_on TEXT NOT NULL,
  mediation_end TEXT,
  filed_on TEXT,
  closed_on TEXT,
  outcome TEXT,                            -- settled (mediation), judgment, mediated, withdrawn
  awarded_fen INTEGER,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX court_cases_state ON court_cases (state, team);
CREATE INDEX court_cases_applicant ON court_cases (applicant_user);
