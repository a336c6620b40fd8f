-- pgbench: one row per transaction, the floor a durable insert can reach.
\set n random(1, 1000000000)
INSERT INTO bench_rows (v, note) VALUES (:n, 'a row of about the size of an audit event, written durably one at a time');
