-- Measures, on the tables of generate.sql, and writes them to bench_result:
--   pg_clinical: GIN index build, one-record lookup through the index
--   (identity % probe), the same lookup by a sequential scan scoring every
--   row, match_train, match_clusters (pairs per second, cluster F1);
--   plain SQL as a DBA writes it with fuzzystrmatch and pg_trgm: a lookup
--   through an expression index on dmetaphone(family), and a linkage with
--   hand-written blocking (dmetaphone of surname and given name, soundex +
--   postcode, birth date, SSN), a weighted similarity score and a threshold
--   picked with the labels (the best F1 over 0.05 steps).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_result;
CREATE TABLE bench_result (k text PRIMARY KEY, v float8);
CREATE OR REPLACE FUNCTION bench_put(k text, v float8) RETURNS void LANGUAGE sql AS
	$$ INSERT INTO bench_result VALUES (k, v) ON CONFLICT (k) DO UPDATE SET v = excluded.v $$;
SELECT bench_put('records', count(*)) FROM bench;

-- ---- pg_clinical ------------------------------------------------------------
DELETE FROM match_model;
DELETE FROM match_name_frequency;
DO $$
DECLARE t0 timestamptz; r jsonb;
BEGIN
	t0 := clock_timestamp();
	r := match_train('SELECT id, identity FROM bench');
	PERFORM bench_put('train_s', extract(epoch FROM clock_timestamp() - t0));
	PERFORM bench_put('candidate_pairs', (r ->> 'candidate_pairs')::float8);
	PERFORM bench_put('sampled_pairs', (r ->> 'sampled_pairs')::float8);
	PERFORM bench_put('skipped_common_keys', (r ->> 'skipped_common_keys')::float8);
	PERFORM bench_put('em_iterations', (r ->> 'iterations')::float8);
END $$;
DROP INDEX IF EXISTS bench_identity_gin;
DO $$
DECLARE t0 timestamptz;
BEGIN
	t0 := clock_timestamp();
	CREATE INDEX bench_identity_gin ON bench USING gin (identity);
	PERFORM bench_put('gin_build_s', extract(epoch FROM clock_timestamp() - t0));
END $$;
ANALYZE bench;
SELECT bench_put('gin_size_mb', pg_relation_size('bench_identity_gin') / 1048576.0);

-- one-record lookups: 500 probes through the index (after a warm-up pass)
DROP FUNCTION IF EXISTS bench_lookups(int, bool);
CREATE FUNCTION bench_lookups(nprobes int, seqscan bool, OUT ms float8, OUT hit_rate float8)
LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; p record; hits int := 0; total float8 := 0; n int := 0; k bigint;
BEGIN
	IF seqscan THEN
		SET LOCAL enable_bitmapscan = off;
	END IF;
	FOR p IN SELECT * FROM bench_probe ORDER BY probe LIMIT nprobes LOOP
		t0 := clock_timestamp();
		-- dynamic SQL: planned afresh, so that enable_bitmapscan applies
		EXECUTE 'SELECT count(*) FROM bench WHERE identity % $1 AND entity = $2'
			INTO k USING p.identity, p.entity;
		IF k > 0 THEN hits := hits + 1; END IF;
		total := total + extract(epoch FROM clock_timestamp() - t0);
		n := n + 1;
	END LOOP;
	ms := 1000 * total / n;
	hit_rate := hits::float8 / n;
END $$;
SELECT 1 FROM bench_lookups(500, false);
SELECT bench_put('lookup_gin_ms', ms), bench_put('lookup_gin_recall', hit_rate) FROM bench_lookups(500, false);
SELECT bench_put('lookup_seq_ms', ms), bench_put('lookup_seq_recall', hit_rate) FROM bench_lookups(3, true);

-- clusters
DO $$
DECLARE t0 timestamptz;
BEGIN
	t0 := clock_timestamp();
	CREATE TEMP TABLE cl AS SELECT * FROM match_clusters('SELECT id, identity FROM bench', 0.9);
	PERFORM bench_put('clusters_s', extract(epoch FROM clock_timestamp() - t0));
END $$;
WITH t AS (SELECT c.cluster_id, b.entity, b.id FROM cl c JOIN bench b USING (id)),
	pp AS (SELECT count(*) FILTER (WHERE a.entity = b.entity) AS tp, count(*) FILTER (WHERE a.entity <> b.entity) AS fp
		   FROM t a JOIN t b ON a.cluster_id = b.cluster_id AND a.id < b.id),
	tr AS (SELECT sum(n * (n - 1) / 2) AS n FROM (SELECT count(*) AS n FROM bench GROUP BY entity) g)
SELECT bench_put('clusters_tp', tp), bench_put('clusters_fp', fp), bench_put('true_pairs', tr.n),
	bench_put('clusters_f1', 2.0 * tp / (2 * tp + fp + (tr.n - tp))) FROM pp, tr;

-- ---- plain SQL: fuzzystrmatch + pg_trgm ----------------------------------------
DROP INDEX IF EXISTS bench_dm_family;
DO $$
DECLARE t0 timestamptz;
BEGIN
	t0 := clock_timestamp();
	CREATE INDEX bench_dm_family ON bench (dmetaphone(family));
	PERFORM bench_put('dba_index_build_s', extract(epoch FROM clock_timestamp() - t0));
END $$;
ANALYZE bench;
DROP FUNCTION IF EXISTS bench_dba_lookups(int);
CREATE FUNCTION bench_dba_lookups(nprobes int, OUT ms float8, OUT hit_rate float8)
LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; p record; hits int := 0; total float8 := 0; n int := 0;
BEGIN
	FOR p IN SELECT * FROM bench_probe ORDER BY probe LIMIT nprobes LOOP
		t0 := clock_timestamp();
		PERFORM 1 FROM (SELECT entity FROM bench
			WHERE dmetaphone(family) = dmetaphone(p.family) AND similarity(given, p.given) > 0.5) m
			WHERE m.entity = p.entity;
		IF FOUND THEN hits := hits + 1; END IF;
		total := total + extract(epoch FROM clock_timestamp() - t0);
		n := n + 1;
	END LOOP;
	ms := 1000 * total / n;
	hit_rate := hits::float8 / n;
END $$;
SELECT 1 FROM bench_dba_lookups(500);
SELECT bench_put('lookup_dba_ms', ms), bench_put('lookup_dba_recall', hit_rate) FROM bench_dba_lookups(500);

-- the linkage a DBA writes: blocking, a weighted score, a threshold
DO $$
DECLARE t0 timestamptz; t1 timestamptz;
BEGIN
	t0 := clock_timestamp();
	CREATE TEMP TABLE dba_keys AS
	SELECT id, k FROM bench, LATERAL (VALUES
		('d:' || dmetaphone(family) || ':' || dmetaphone(given)),
		('s:' || soundex(family) || ':' || postcode),
		('b:' || dob::text),
		('i:' || ssn)) v(k) WHERE k IS NOT NULL;
	CREATE TEMP TABLE dba_pairs AS
	SELECT DISTINCT a.id AS a, b.id AS b FROM dba_keys a JOIN dba_keys b ON a.k = b.k AND a.id < b.id;
	CREATE TEMP TABLE dba_scored AS
	SELECT p.a, p.b, x.entity = y.entity AS truth,
		2.0 * similarity(x.family, y.family) + 1.5 * similarity(x.given, y.given)
		+ 2.0 * (x.dob IS NOT DISTINCT FROM y.dob)::int
		+ 1.0 * (x.postcode IS NOT DISTINCT FROM y.postcode)::int
		+ 2.0 * (x.ssn = y.ssn)::int + 1.0 * similarity(x.address, y.address)
		+ 0.5 * (x.city = y.city)::int AS score
	FROM dba_pairs p JOIN bench x ON x.id = p.a JOIN bench y ON y.id = p.b;
	t1 := clock_timestamp();
	PERFORM bench_put('dba_linkage_s', extract(epoch FROM t1 - t0));
END $$;
SELECT bench_put('dba_candidate_pairs', count(*)) FROM dba_scored;
-- the threshold with the best F1, picked with the labels: scores in steps
-- of 0.05, true and false positives at or above each step
WITH tr AS (SELECT v AS n FROM bench_result WHERE k = 'true_pairs'),
	b AS (SELECT floor(score * 20) / 20 AS t, count(*) FILTER (WHERE truth) AS tp,
			count(*) FILTER (WHERE NOT truth) AS fp FROM dba_scored GROUP BY 1),
	c AS (SELECT t, sum(tp) OVER (ORDER BY t DESC) AS tp, sum(fp) OVER (ORDER BY t DESC) AS fp FROM b),
	f AS (SELECT t, 2.0 * tp / (2 * tp + fp + (tr.n - tp)) AS f1 FROM c, tr)
SELECT bench_put('dba_threshold', t), bench_put('dba_f1', f1) FROM f ORDER BY f1 DESC, t LIMIT 1;
SELECT * FROM bench_result ORDER BY k;
