-- 007: the audit head is moved by the append itself (core/audit.c), once per
-- transaction, instead of by a trigger once per event.
DROP TRIGGER audit_head_follows;
