-- 004: the audit head follows each appended event by trigger, in the same
-- statement as the insert (one exchange with the store fewer per event).
CREATE TRIGGER audit_head_follows AFTER INSERT ON audit_events
BEGIN
  UPDATE audit_head SET hash = NEW.hash WHERE one = 1;
END;
