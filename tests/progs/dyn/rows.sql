-- rows.sql: the sqlite3 shell: 10,000 rows inserted in one transaction
-- with a recursive CTE, an index, queries, an integrity check.
CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, n INTEGER);
BEGIN;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 10000)
INSERT INTO t(id, v, n) SELECT i, printf('row-%05d', i), (i * 7919) % 1000 FROM c;
COMMIT;
CREATE INDEX t_n ON t(n);
SELECT count(*), sum(n), min(v), max(v) FROM t;
SELECT n, count(*) FROM t WHERE n < 3 GROUP BY n ORDER BY n;
SELECT v FROM t WHERE id % 2500 = 0 ORDER BY id;
UPDATE t SET n = n + 1 WHERE id <= 100;
SELECT total(n) FROM t;
DELETE FROM t WHERE id > 9000;
SELECT count(*) FROM t;
PRAGMA integrity_check;
