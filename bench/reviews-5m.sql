-- A province's years of 好差评 for the public page's benchmark (bench/run): 5,000,000
-- reviews over 60 months, 60 departments, 500 windows, 2,000 items and 3,000 staff,
-- 0.8% of them bad, each bad one with its rectification order; then the kept figures
-- made from them as the reviews' own transactions would have kept them.
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000000)
INSERT INTO reviews (id, subject_kind, subject, channel, level, item, item_name, department,
                     window_no, staff, applicant_kind, created_ms, month)
SELECT printf('PJB%011d', i), 'case', printf('B%019d', i),
       CASE i % 5 WHEN 0 THEN 'web' WHEN 1 THEN 'sms' WHEN 2 THEN 'qr' WHEN 3 THEN 'device' ELSE 'eticket' END,
       CASE WHEN i % 125 = 0 THEN 1 + (i / 125) % 2 WHEN i % 50 = 1 THEN 3 WHEN i % 10 = 2 THEN 4 ELSE 5 END,
       printf('37109101%010d', i % 2000), printf('事项%d', i % 2000), printf('d%02d', i % 60),
       1 + i % 500, printf('staff-%d', i % 3000), 'person',
       1640966400000 + (i * 31536) % 157680000000,
       printf('%04d-%02d', 2022 + ((i * 31536) % 157680000000) / 31536000000,
              1 + (((i * 31536) % 157680000000) % 31536000000) / 2628000000)
FROM n;
INSERT INTO review_orders (id, review, department, state, kind, due_min, yellow_min, light,
                           created_ms, updated_ms, closed_ms)
SELECT 'ZGB' || substr(id, 4), id, department, 'closed', 'immediate', 0, 0, 'none', created_ms,
       created_ms, created_ms
FROM reviews WHERE level <= 2;
INSERT INTO review_figures (month, dim, key, name, n1, n2, n3, n4, n5)
SELECT month, 'all', '', '', SUM(level = 1), SUM(level = 2), SUM(level = 3), SUM(level = 4), SUM(level = 5)
FROM reviews GROUP BY month;
INSERT INTO review_figures (month, dim, key, name, n1, n2, n3, n4, n5)
SELECT month, 'department', department, department, SUM(level = 1), SUM(level = 2), SUM(level = 3), SUM(level = 4), SUM(level = 5)
FROM reviews GROUP BY month, department;
INSERT INTO review_figures (month, dim, key, name, n1, n2, n3, n4, n5)
SELECT month, 'window', CAST(window_no AS TEXT), '', SUM(level = 1), SUM(level = 2), SUM(level = 3), SUM(level = 4), SUM(level = 5)
FROM reviews GROUP BY month, window_no;
INSERT INTO review_figures (month, dim, key, name, n1, n2, n3, n4, n5)
SELECT month, 'item', item, MAX(item_name), SUM(level = 1), SUM(level = 2), SUM(level = 3), SUM(level = 4), SUM(level = 5)
FROM reviews GROUP BY month, item;
INSERT INTO review_figures (month, dim, key, name, n1, n2, n3, n4, n5)
SELECT month, 'staff', staff, '', SUM(level = 1), SUM(level = 2), SUM(level = 3), SUM(level = 4), SUM(level = 5)
FROM reviews GROUP BY month, staff;
INSERT INTO review_figures (month, dim, key, n1)
SELECT month, 'callback', 'done', COUNT(*) * 35 / 100 FROM reviews GROUP BY month;
COMMIT;
