-- 016: 双随机、一公开 (issue 16). The spot-check item list (随机抽查事项清单),
-- the two rosters (名录库: market entities; 执法检查人员名录库: inspectors, their
-- fields and declared conflicts), plans with their frozen lists, commitment,
-- witnesses' inputs and revealed secret (the draw's published record, see
-- docs/draw.md), one task per drawn entity with its team and result, and the
-- 首次不罚 list with its decisions.
CREATE TABLE insp_items (
  code TEXT PRIMARY KEY,                    -- "scjg-food-01"
  department TEXT NOT NULL REFERENCES departments (code),
  name TEXT NOT NULL,
  field TEXT NOT NULL,                      -- the inspectors' field it needs (食品安全…)
  basis TEXT NOT NULL,                      -- 抽查依据
  content TEXT NOT NULL,                    -- 抽查内容
  method TEXT NOT NULL                      -- 抽查方式
);

CREATE TABLE insp_entities (
  credit_code TEXT PRIMARY KEY,             -- GB 32100, checked
  name TEXT NOT NULL,
  type TEXT NOT NULL,                       -- 有限责任公司, 个体工商户 …
  industry TEXT NOT NULL,                   -- GB/T 4754 section letter + class digits ("H6210")
  address TEXT NOT NULL,
  region TEXT NOT NULL,                     -- 街道/镇
  class TEXT NOT NULL DEFAULT 'B',          -- credit-risk class A (best) … D
  complaints INTEGER NOT NULL DEFAULT 0,    -- flags: many complaints,
  abnormal INTEGER NOT NULL DEFAULT 0,      -- on the abnormal-operations list,
  serious INTEGER NOT NULL DEFAULT 0,       -- serious violations
  foreign_invested INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'active',     -- active, deregistered
  source TEXT NOT NULL,                     -- import, or the registration's case number
  credit_qr TEXT,                           -- the signed credit QR code's payload (信用二维码)
  credit_issued_ms INTEGER,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX insp_entities_scope ON insp_entities (state, industry, region);

CREATE TABLE insp_inspectors (
  cert_no TEXT PRIMARY KEY,                 -- 执法证号
  name TEXT NOT NULL,
  department TEXT NOT NULL REFERENCES departments (code),
  fields TEXT NOT NULL,                     -- "特种设备;食品安全": byte order, ";" between
  username TEXT NOT NULL DEFAULT '',        -- the staff account that enters results ("" none)
  active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX insp_inspectors_department ON insp_inspectors (department);
CREATE INDEX insp_inspectors_username ON insp_inspectors (username);

CREATE TABLE insp_conflicts (               -- declared conflicts of interest (回避)
  cert_no TEXT NOT NULL REFERENCES insp_inspectors (cert_no),
  credit_code TEXT NOT NULL REFERENCES insp_entities (credit_code),
  reason TEXT NOT NULL,
  PRIMARY KEY (cert_no, credit_code)
);
CREATE INDEX insp_conflicts_entity ON insp_conflicts (credit_code);

CREATE TABLE insp_plans (
  id TEXT PRIMARY KEY,                      -- "CC2026-0001"
  name TEXT NOT NULL,
  departments TEXT NOT NULL,                -- JSON: the lead department first, then the joint ones
  items TEXT NOT NULL,                      -- JSON: spot-check items' codes
  fields TEXT NOT NULL,                     -- "field1;field2": the items' fields, byte order
  industries TEXT NOT NULL,                 -- JSON: industry prefixes in scope ([] all)
  regions TEXT NOT NULL,                    -- JSON: regions in scope ([] all)
  ratios TEXT NOT NULL,                     -- "A,B,C,D" per mille
  team_size INTEGER NOT NULL,
  state TEXT NOT NULL,                      -- draft, committed, drawn, cancelled
  created_by TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  committed_ms INTEGER,
  commitment TEXT,                          -- SM3(secret), published before the draw
  secret TEXT,                              -- withheld from every view until drawn
  entities TEXT,                            -- the frozen lists' lines and hashes
  entities_hash TEXT,
  inspectors TEXT,
  inspectors_hash TEXT,
  inputs TEXT,                              -- JSON: the witnesses' names and inputs
  seed TEXT,
  drawn_ms INTEGER,
  drawn_by TEXT
);
CREATE INDEX insp_plans_created ON insp_plans (created_ms);

CREATE TABLE insp_tasks (
  id TEXT PRIMARY KEY,                      -- plan id + "-" + position (3 digits)
  plan TEXT NOT NULL REFERENCES insp_plans (id),
  position INTEGER NOT NULL,                -- in selection order, from 1
  credit_code TEXT NOT NULL REFERENCES insp_entities (credit_code),
  team TEXT NOT NULL,                       -- the inspectors' cert_no, ";" between, pick order
  state TEXT NOT NULL,                      -- assigned, inspected, published
  inspected_on TEXT,                        -- YYYY-MM-DD
  result TEXT,                              -- a code of the results list
  findings TEXT,
  class_after TEXT,                         -- the entity's class the result set
  publish_by TEXT,                          -- inspected_on + publish-days working days
  published_ms INTEGER,
  escalated_ms INTEGER,                      -- past publish_by: the regulators were told
  entered_by TEXT
);
CREATE INDEX insp_tasks_plan ON insp_tasks (plan, position);
CREATE INDEX insp_tasks_entity ON insp_tasks (credit_code, inspected_on);
CREATE INDEX insp_tasks_due ON insp_tasks (state, publish_by);

CREATE TABLE insp_minor (                   -- 首次不罚 / 首次轻罚 list, published
  code TEXT PRIMARY KEY,
  department TEXT NOT NULL REFERENCES departments (code),
  name TEXT NOT NULL,                       -- the minor violation
  basis TEXT NOT NULL,                      -- the rule the leniency rests on
  kind TEXT NOT NULL                        -- no-penalty (不罚), light (轻罚)
);

CREATE TABLE insp_decisions (
  id TEXT PRIMARY KEY,
  credit_code TEXT NOT NULL REFERENCES insp_entities (credit_code),
  violation TEXT NOT NULL REFERENCES insp_minor (code),
  task TEXT REFERENCES insp_tasks (id),
  decision TEXT NOT NULL,                   -- no-penalty, light, ordinary
  basis TEXT NOT NULL,                      -- why: the list's basis, or the earlier violation
  decided_on TEXT NOT NULL,
  decided_by TEXT NOT NULL
);
CREATE INDEX insp_decisions_entity ON insp_decisions (credit_code, violation, decided_on);
