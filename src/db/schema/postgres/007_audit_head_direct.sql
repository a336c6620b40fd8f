-- 007 (PostgreSQL): the audit head is moved by the append itself (core/audit.c),
-- once per transaction, instead of by a trigger once per event: with queued
-- sends the extra UPDATE costs no round trip, and the trigger cost a PL/pgSQL
-- call and a new version of the head's row for every event.
DROP TRIGGER audit_head_follows ON audit_events;
DROP FUNCTION audit_head_follow();
