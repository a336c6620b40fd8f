-- 008: two questions the hall asks all day, answered without a scan once it
-- has months of tickets behind it (each index holds only the rows it serves):
-- which ticket a window is calling or serving (every board asks it of every
-- window, and a call asks it first), and the category's last 20 service times
-- (every ticket's estimate; the waiting index would give all the category's
-- finished tickets to sort).
CREATE INDEX tickets_at_window ON tickets (window_no) WHERE state IN ('called', 'serving');
CREATE INDEX tickets_done ON tickets (category, finished_ms) WHERE state = 'done';
