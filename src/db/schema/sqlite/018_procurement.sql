-- 018: 政府采购 (issue 17). A contract from its award notice (中标、成交通知书) to its
-- filing with the finance department: signed within procurement-sign-days working days of
-- the notice, filed within procurement-file-days of signing, each limit on the calendar
-- with its light; a unit that signs late records why; the bid deposit waived or not by the
-- supplier's credit record; advance payments.
CREATE TABLE proc_contracts (
  id TEXT PRIMARY KEY,                     -- "CG2026-0001"
  project TEXT NOT NULL,                   -- 采购项目名称
  project_no TEXT NOT NULL,                -- 采购项目编号
  unit TEXT NOT NULL REFERENCES departments (code),  -- the budget unit (采购人)
  method TEXT NOT NULL,                    -- 公开招标, 竞争性磋商 …
  supplier_code TEXT NOT NULL,             -- GB 32100, checked
  supplier TEXT NOT NULL,
  sme INTEGER NOT NULL DEFAULT 0,          -- a small or medium firm (中小企业)
  amount_fen INTEGER NOT NULL,
  deposit_fen INTEGER NOT NULL,            -- the bid deposit the project set
  deposit_waived INTEGER NOT NULL,         -- by the supplier's credit record
  deposit_basis TEXT NOT NULL,
  awarded_on TEXT NOT NULL,
  sign_by TEXT,                            -- NULL while the limit's year is not loaded
  signed_on TEXT,
  file_by TEXT,
  filed_on TEXT,
  delay_reason TEXT,                       -- why it was not signed (or filed) in time
  advance_percent INTEGER,                 -- 预付款, share of the amount
  advance_fen INTEGER,
  advance_on TEXT,
  state TEXT NOT NULL,                     -- awarded, signed, filed, cancelled
  yellow_min INTEGER,                      -- the current limit's light (local minutes)
  deadline_min INTEGER,
  escalated_ms INTEGER,                    -- the current limit passed, the unit told once
  note TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX proc_contracts_unit ON proc_contracts (unit, state);
CREATE INDEX proc_contracts_state ON proc_contracts (state, deadline_min);
