-- 004 (PostgreSQL): the audit head follows each appended event by trigger,
-- in the same statement as the insert (one round trip fewer per event).
CREATE FUNCTION audit_head_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE audit_head SET hash = NEW.hash WHERE one = 1;
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_head_follows AFTER INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_head_follow();
