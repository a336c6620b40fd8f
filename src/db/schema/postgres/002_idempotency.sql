-- 002: Idempotency-Key — a POST's stored answer, written in the same
-- transaction as its effect, so a retry gets the same answer and no second
-- effect. scope is the account ("user:<id>") or "anonymous".
CREATE TABLE idempotency_keys (
  scope TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_ms);
