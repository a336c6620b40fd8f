-- 017: 企业贷款支持 (issue 17). The emergency bridge-loan fund (应急转贷): one
-- loan per approved application (its case), on its way from approval through
-- disbursement, the bank's renewal and repayment; and the fund's double-entry
-- journal. A balance is never stored: it is the sum of an account's lines,
-- and every entry's lines sum to zero (debits positive, credits negative, in fen).
CREATE TABLE fin_loans (
  case_no TEXT PRIMARY KEY REFERENCES cases (no),
  credit_code TEXT NOT NULL,               -- the firm's, GB 32100 checked
  firm TEXT NOT NULL,
  bank TEXT NOT NULL,                      -- the bank whose loan matures and is renewed
  applicant_user INTEGER REFERENCES users (id),
  loan_fen INTEGER NOT NULL,               -- the maturing bank loan
  loan_due TEXT NOT NULL,                  -- its maturity day
  amount_fen INTEGER NOT NULL,             -- the bridge money approved
  days INTEGER NOT NULL,                   -- days of use approved
  fee_rate INTEGER NOT NULL,               -- 1/100000 of the amount per day, at approval
  overdue_rate INTEGER NOT NULL,           -- the same past the due day
  state TEXT NOT NULL,                     -- approved, disbursed, renewed, overdue, repaid, cancelled
  approved_ms INTEGER NOT NULL,
  disbursed_on TEXT,
  due_on TEXT,                             -- disbursed_on + days - 1
  renewal_ref TEXT,                        -- the bank's new loan contract number
  renewal_fen INTEGER,
  renewed_on TEXT,
  repaid_on TEXT,
  fee_fen INTEGER,
  overdue_ms INTEGER,
  note TEXT NOT NULL DEFAULT '',            -- a cancellation's reason
  updated_ms INTEGER NOT NULL
);
CREATE INDEX fin_loans_state ON fin_loans (state, due_on);
CREATE INDEX fin_loans_firm ON fin_loans (credit_code);
CREATE INDEX fin_loans_applicant ON fin_loans (applicant_user);

CREATE TABLE fin_entries (
  id INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  on_day TEXT NOT NULL,                    -- the value day
  kind TEXT NOT NULL,                      -- capital, disburse, repay
  loan TEXT REFERENCES fin_loans (case_no),
  memo TEXT NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX fin_entries_loan ON fin_entries (loan);

CREATE TABLE fin_lines (
  entry INTEGER NOT NULL REFERENCES fin_entries (id),
  account TEXT NOT NULL,                   -- cash, capital, receivable, fee
  firm TEXT NOT NULL DEFAULT '',           -- a receivable's or a fee's firm (credit code)
  amount_fen INTEGER NOT NULL              -- debit > 0, credit < 0
);
CREATE INDEX fin_lines_entry ON fin_lines (entry);
CREATE INDEX fin_lines_account ON fin_lines (account, firm);
