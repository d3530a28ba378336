-- bench.sql: HL7 v2 SQL benchmark (run by test/bench/hl7v2/run.sh)
-- psql variables: loadfile (a file holding the line \copy bench_src FROM
-- '.../hl7v2_messages.copy', since \copy does not expand variables), pysubset (number of
-- messages python3-hl7 parsed, for the same-messages SQL parse rate)
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
-- single process, like python3-hl7: no parallel workers
SET max_parallel_workers_per_gather = 0;
SET jit = off;

DROP TABLE IF EXISTS bench_src, bench_h, bench_j;
CREATE TABLE bench_src (id int PRIMARY KEY, t text NOT NULL);
\i :loadfile
CREATE TABLE bench_h (id int PRIMARY KEY, msg hl7v2 NOT NULL);
INSERT INTO bench_h SELECT id, t::hl7v2 FROM bench_src;
CREATE TABLE bench_j (id int PRIMARY KEY, doc jsonb NOT NULL);
INSERT INTO bench_j SELECT id, hl7_to_jsonb(msg) FROM bench_h;
VACUUM ANALYZE bench_src;
VACUUM ANALYZE bench_h;
VACUUM ANALYZE bench_j;

-- best of 3 (after one warm-up run) of a query, in milliseconds
CREATE FUNCTION pg_temp.best3(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; best float8 := 'Infinity'; dt float8; r text;
BEGIN
	EXECUTE q INTO r;
	FOR i IN 1..3 LOOP
		t0 := clock_timestamp();
		EXECUTE q INTO r;
		dt := extract(epoch FROM clock_timestamp() - t0) * 1000;
		best := least(best, dt);
	END LOOP;
	RETURN best;
END $$;

\pset format unaligned
\pset tuples_only on
\pset fieldsep '\t'
-- sanity: both forms give the same answers
SELECT 'check_pid8',
       (SELECT count(*) FROM bench_h WHERE msg ->> 'PID-8' = 'F'),
       (SELECT count(*) FROM bench_j WHERE doc #>> '{segments,1,8}' = 'F');
SELECT 'check_obx2',
       (SELECT count(*) FROM bench_h h JOIN bench_j j USING (id)
         WHERE hl7_get(h.msg, 'OBX(2)-5') IS DISTINCT FROM
               jsonb_path_query_array(j.doc, 'strict $.segments[*] ? (@[0] == "OBX")') -> 1 ->> 5);

SELECT 'rows', count(*), sum(octet_length(t)) FROM bench_src;
SELECT 'size', pg_total_relation_size('bench_src'), pg_total_relation_size('bench_h'),
       pg_total_relation_size('bench_j');
SELECT 'pid8_hl7', pg_temp.best3($q$SELECT count(*) FROM bench_h WHERE msg ->> 'PID-8' = 'F'$q$);
SELECT 'pid8_jsonb', pg_temp.best3($q$SELECT count(*) FROM bench_j WHERE doc #>> '{segments,1,8}' = 'F'$q$);
SELECT 'obx2_hl7', pg_temp.best3($q$SELECT count(hl7_get(msg, 'OBX(2)-5')) FROM bench_h$q$);
SELECT 'obx2_jsonb', pg_temp.best3($q$SELECT count(jsonb_path_query_array(doc, 'strict $.segments[*] ? (@[0] == "OBX")') -> 1 ->> 5) FROM bench_j$q$);
SELECT 'scan_text_all', pg_temp.best3($q$SELECT count(t || '') FROM bench_src$q$);
SELECT 'parse_all', pg_temp.best3($q$SELECT count(t::hl7v2) FROM bench_src$q$);
SELECT 'scan_text_subset', pg_temp.best3(format($q$SELECT count(t || '') FROM bench_src WHERE id <= %s$q$, :pysubset));
SELECT 'parse_subset', pg_temp.best3(format($q$SELECT count(t::hl7v2) FROM bench_src WHERE id <= %s$q$, :pysubset));
SELECT 'bytes_subset', sum(octet_length(t)) FROM bench_src WHERE id <= :pysubset;
