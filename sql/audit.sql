--
-- Audit trail: what the C trigger records, the hash chain, history and
-- AuditEvent.  Every test file of the audit starts from a fresh extension
-- (a fresh chain) and drops it at its end (extension.sql, which runs next,
-- creates it itself).
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_clinical;
-- link at every commit, so that the shape of the chain below is fixed (the
-- batched linking of the default is shown at the end)
SET pg_clinical.audit_link_every = 1;

-- what is recorded, in a stable form (no times, xids, pids or hashes)
CREATE VIEW audit_entries AS
	SELECT id, schema_name || '.' || table_name AS tbl, operation, row_key,
		   old_row, new_row, changed_columns, app_user
	FROM clinical_audit.log ORDER BY id;

CREATE TABLE patient (
	id			int PRIMARY KEY,
	mrn			text NOT NULL,
	family		text,
	birth_date	date,
	ssn			text,
	score		numeric,
	tags		text[],
	extra		jsonb,
	seen_at		timestamptz
);
SELECT audit_enable('patient', exclude_columns => '{ssn}');
SELECT table_name, changed_only, exclude_columns, inherited, fires
FROM clinical_audit.audited_tables;
-- both triggers are C functions, enabled ALWAYS, AFTER
SELECT t.tgname, t.tgenabled, p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c') AS in_c,
	   (t.tgtype & 2) = 0 AS after
FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
WHERE t.tgrelid = 'patient'::regclass ORDER BY 1;

SET TimeZone = 'UTC';
INSERT INTO patient VALUES (1, 'MRN1', 'Doe', '1980-02-01', '123-45-6789', 1.50,
	'{a,b}', '{"k": [1, 2.0]}', '2026-01-01 10:00:00+00');
-- an UPDATE of the excluded column only is not logged; neither is a no-op
UPDATE patient SET ssn = '999-99-9999' WHERE id = 1;
UPDATE patient SET family = family WHERE id = 1;
-- the application's end user, per transaction
BEGIN;
SET LOCAL pg_clinical.audit_user = 'dr.jones@hospital.example';
UPDATE patient SET family = 'Smith', score = 2.50 WHERE id = 1;
COMMIT;
DELETE FROM patient WHERE id = 1;
SELECT * FROM audit_entries;

-- who: current_user and session_user both, as they really are
CREATE ROLE regress_audit_clerk;
GRANT INSERT, UPDATE, DELETE, SELECT ON patient TO regress_audit_clerk;
CREATE FUNCTION add_patient_definer(int) RETURNS void LANGUAGE sql SECURITY DEFINER
	SET search_path = public, pg_temp
	AS $$ INSERT INTO patient (id, mrn) VALUES ($1, 'MRN' || $1) $$;
SET SESSION AUTHORIZATION regress_audit_clerk;
INSERT INTO patient (id, mrn) VALUES (2, 'MRN2');
SELECT add_patient_definer(3);
RESET SESSION AUTHORIZATION;
SELECT id, current_user_name, session_user_name, application_name
FROM clinical_audit.log WHERE id IN (4, 5) ORDER BY id;
-- the clerk cannot read or write the log, nor the chain, nor link by hand
SET ROLE regress_audit_clerk;
SELECT regress_error('SELECT count(*) FROM clinical_audit.log');
SELECT regress_error($$INSERT INTO clinical_audit.log (id) VALUES (99)$$);
SELECT regress_error('SELECT * FROM clinical_audit.chain');
SELECT regress_error($$INSERT INTO clinical_audit.anchor VALUES (true, 1, 1, '', now(), 1)$$);
SELECT regress_error($$SELECT nextval('clinical_audit.log_id_seq')$$);
SELECT regress_error('SET pg_clinical.audit_link_every = 1000');
SELECT regress_error('SELECT audit_link()');
-- but can verify the chain and read the checkpoint, without taking the
-- chain lock (only the trail's owner links unlinked entries first: the lock
-- is held to the end of the caller's transaction)
BEGIN;
SELECT ok, entries_checked FROM audit_verify();
SELECT entries, batch FROM audit_checkpoint();
SELECT count(*) AS chain_locks_held FROM pg_locks
WHERE locktype = 'object' AND classid = 'pg_class'::regclass AND objid = 'clinical_audit.chain'::regclass
	AND pid = pg_backend_pid() AND mode = 'ExclusiveLock';
COMMIT;
RESET ROLE;
BEGIN;
SELECT ok FROM audit_verify();
SELECT count(*) AS chain_locks_held FROM pg_locks
WHERE locktype = 'object' AND classid = 'pg_class'::regclass AND objid = 'clinical_audit.chain'::regclass
	AND pid = pg_backend_pid() AND mode = 'ExclusiveLock';
COMMIT;

-- per-transaction data: one xid and one transaction start for all the
-- entries of a transaction; distinct ones otherwise; the backend pid
BEGIN;
INSERT INTO patient (id, mrn) VALUES (10, 'MRN10');
INSERT INTO patient (id, mrn) VALUES (11, 'MRN11');
COMMIT;
SELECT count(DISTINCT xid) AS xids, count(DISTINCT xact_start) AS starts,
	   bool_and(backend_pid = pg_backend_pid()) AS our_pid,
	   bool_and(recorded_at >= xact_start) AS recorded_after_start,
	   bool_and(client_addr IS NULL AND client_port IS NULL) AS unix_socket
FROM clinical_audit.log WHERE id IN (6, 7);
SELECT count(DISTINCT xid) AS xids FROM clinical_audit.log WHERE id IN (5, 6);

-- rolled-back transactions and savepoints leave nothing: ids stay dense
BEGIN;
INSERT INTO patient (id, mrn) VALUES (20, 'gone');
ROLLBACK;
BEGIN;
INSERT INTO patient (id, mrn) VALUES (21, 'kept');
SAVEPOINT s1;
INSERT INTO patient (id, mrn) VALUES (22, 'gone');
SAVEPOINT s2;
UPDATE patient SET family = 'gone' WHERE id = 21;
RELEASE SAVEPOINT s2;
ROLLBACK TO SAVEPOINT s1;
UPDATE patient SET family = 'kept' WHERE id = 21;
SAVEPOINT s3;
DELETE FROM patient WHERE id = 21;
ROLLBACK TO SAVEPOINT s3;
COMMIT;
-- PL/pgSQL exception blocks are subtransactions too
DO $$
BEGIN
	BEGIN
		INSERT INTO patient (id, mrn) VALUES (23, 'gone');
		PERFORM 1 / 0;
	EXCEPTION WHEN division_by_zero THEN
		INSERT INTO patient (id, mrn) VALUES (24, 'handler');
	END;
END $$;
-- a procedure that commits and rolls back
CREATE PROCEDURE twice() LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO patient (id, mrn) VALUES (25, 'committed');
	COMMIT;
	INSERT INTO patient (id, mrn) VALUES (26, 'rolled back');
	ROLLBACK;
	INSERT INTO patient (id, mrn) VALUES (27, 'committed');
END $$;
CALL twice();
SELECT id, operation, row_key, new_row ->> 'mrn' AS mrn, new_row ->> 'family' AS family
FROM clinical_audit.log WHERE id > 8 ORDER BY id;
SELECT count(*) AS entries, min(id), max(id) FROM clinical_audit.log;

-- changed_only: UPDATE entries carry only the changed columns
CREATE TABLE encounter (id bigint PRIMARY KEY, status text, ward text, note text);
SELECT audit_enable('encounter', changed_only => true);
INSERT INTO encounter VALUES (1, 'planned', '4W', 'n');
UPDATE encounter SET status = 'in-progress', ward = '5E' WHERE id = 1;
UPDATE encounter SET note = NULL WHERE id = 1;
-- the key changes: the entry's row_key is the key before the change
UPDATE encounter SET id = 2 WHERE id = 1;
UPDATE encounter SET status = 'finished' WHERE id = 2;
SELECT * FROM audit_entries WHERE tbl = 'public.encounter';
-- audit_history follows the row through its key change
SELECT log_id, operation, row_version, changed_columns
FROM audit_history('encounter', '{"id": 1}');
SELECT log_id, operation, row_version FROM audit_history('encounter', '{"id": 2}');
SELECT count(*) AS no_such_row FROM audit_history('encounter', '{"id": 3}');
-- whole-row history of the patient
SELECT log_id, operation, row_version ->> 'family' AS family, app_user
FROM audit_history('patient', '{"id": 1}');

-- tables without a primary key
CREATE TABLE vitals_ri (mrn text NOT NULL, taken_at int NOT NULL, pulse int);
CREATE UNIQUE INDEX vitals_ri_key ON vitals_ri (mrn, taken_at);
ALTER TABLE vitals_ri REPLICA IDENTITY USING INDEX vitals_ri_key;
CREATE TABLE vitals_any (mrn text, pulse int, private text);
SELECT audit_enable('vitals_ri');
SELECT audit_enable('vitals_any', '{private}');
INSERT INTO vitals_ri VALUES ('M1', 1, 70);
UPDATE vitals_ri SET pulse = 72;
INSERT INTO vitals_any VALUES ('M1', 70, 'secret');
UPDATE vitals_any SET pulse = 75;
DELETE FROM vitals_any;
SELECT * FROM audit_entries WHERE tbl LIKE 'public.vitals%';

-- values as to_jsonb renders them, including the types without a fast path
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE typed (id int PRIMARY KEY, b bool, i2 smallint, i8 bigint, n numeric,
	nan numeric, f float8, inf float8, c char(3), vc varchar(5), d date, ts timestamp,
	tstz timestamptz, iv interval, u uuid, j json, jb jsonb, scalar jsonb, arr int[],
	m mood, r int4range, pt point, bin bytea);
SELECT audit_enable('typed');
INSERT INTO typed VALUES (1, true, -2, 9007199254740993, 1.000, 'NaN', 1.5, 'Infinity', 'ab',
	'xy', 'infinity', '2026-03-15 10:15:00.5', '2026-03-15 10:15:00+02', '1 day',
	'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2]}', '{"b": null}', '"s"',
	'{1,NULL,3}', 'sad', '[1,5)', '(1,2)', '\x0102');
SELECT (SELECT new_row FROM clinical_audit.log WHERE table_name = 'typed')
	   = (SELECT to_jsonb(t) FROM typed t) AS same_as_to_jsonb;
SELECT new_row FROM clinical_audit.log WHERE table_name = 'typed';
-- a row of scalars only takes the direct path (jsonb and its text built at
-- once): the same jsonb, the same text, and the entry hashes below check it
INSERT INTO typed (id, b, i2, i8, n, nan, f, inf, c, vc, d, ts, tstz, iv, u, scalar, m, r, pt, bin)
	VALUES (2, false, 0, -9223372036854775808, -0.0500, 'NaN', -1e-7, '-Infinity', 'a"\',
	E'\t\n\x01\u00e9\u20ac', '-infinity', '2026-03-15 10:15:00', NULL, '-1 mons',
	'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '"\\\u0007"', 'ok', 'empty', '(0,0)', '\x');
SELECT (SELECT new_row FROM clinical_audit.log WHERE table_name = 'typed' AND row_key = '{"id": 2}')
	   = (SELECT to_jsonb(t) FROM typed t WHERE id = 2) AS same_as_to_jsonb;
SELECT new_row::text FROM clinical_audit.log WHERE table_name = 'typed' AND row_key = '{"id": 2}';
CREATE TABLE "odd keys" (zz int PRIMARY KEY, "a""b" text, "x\y" int, "\u00e9" text, a int, "ab" text, "b" bool);
SELECT audit_enable('"odd keys"');
INSERT INTO "odd keys" VALUES (1, 'q', -3, E'\u00e9', NULL, '', true);
UPDATE "odd keys" SET "a""b" = E'line\r\nnext\b\f', b = NULL;
SELECT old_row::text, new_row::text, row_key::text,
	   new_row = (SELECT to_jsonb(o) FROM "odd keys" o) AS same_as_to_jsonb
FROM clinical_audit.log WHERE table_name = 'odd keys' AND operation = 'UPDATE';
DROP TABLE "odd keys";

-- partitioned tables: present and future partitions are audited, under
-- the partition's name; history through the parent covers them all
CREATE TABLE obs (id int, patient_id int, value text, PRIMARY KEY (id, patient_id))
	PARTITION BY RANGE (patient_id);
CREATE TABLE obs_a PARTITION OF obs FOR VALUES FROM (0) TO (100);
SELECT audit_enable('obs');
CREATE TABLE obs_b PARTITION OF obs FOR VALUES FROM (100) TO (200);
INSERT INTO obs VALUES (1, 5, 'x'), (2, 150, 'y');
UPDATE obs SET patient_id = 120 WHERE id = 1;	-- moves to the other partition
SELECT * FROM audit_entries WHERE tbl LIKE 'public.obs%';
SELECT table_name, inherited, fires FROM clinical_audit.audited_tables
WHERE table_name::text LIKE 'obs%' ORDER BY table_name::text COLLATE "C";
SELECT log_id, operation, row_version FROM audit_history('obs', '{"id": 2, "patient_id": 150}');

-- TRUNCATE: one entry for the statement
TRUNCATE encounter;
SELECT operation, tbl, row_key, old_row FROM audit_entries WHERE operation = 'TRUNCATE';

-- session_replication_role = replica (logical apply) still fires the triggers
SET session_replication_role = replica;
INSERT INTO encounter VALUES (5, 'replicated', NULL, NULL);
RESET session_replication_role;
SELECT operation, row_key FROM audit_entries WHERE tbl = 'public.encounter' ORDER BY id DESC LIMIT 1;

-- the statement text, when pg_clinical.audit_log_statement is on
SET pg_clinical.audit_log_statement = on;
INSERT INTO encounter VALUES (6, 'with statement', NULL, NULL);
RESET pg_clinical.audit_log_statement;
INSERT INTO encounter VALUES (7, 'without', NULL, NULL);
SELECT row_key, statement FROM clinical_audit.log WHERE table_name = 'encounter'
ORDER BY id DESC LIMIT 2;

-- audit_disable: no more entries; the past ones stay
SELECT audit_disable('encounter');
INSERT INTO encounter VALUES (8, 'unaudited', NULL, NULL);
SELECT count(*) FROM clinical_audit.log WHERE row_key = '{"id": 8}';
SELECT table_name FROM clinical_audit.audited_tables ORDER BY table_name::text COLLATE "C";

-- the hash chain, recomputed in SQL from the documented serialisation
-- (regress_entry_hash: sql/00_helpers.sql)
-- (jsonb::text is jsonb's output; inet::text is not inet's output, format is)
SELECT count(*) AS entries, bool_and(l.hash = regress_entry_hash(to_jsonb(l))) AS entry_hashes_match
FROM clinical_audit.log l;
-- each batch: SHA-256(prev_hash || F(batch) || F(first_position) || F(n_entries) ||
-- F(through_id) || entry hashes)
SELECT count(*) AS batches,
	   bool_and(c.hash = sha256(c.prev_hash || regress_f(c.batch::text) ||
				regress_f(c.first_position::text) || regress_f(c.n_entries::text) ||
				regress_f(c.through_id::text) ||
				(SELECT string_agg(l.hash, ''::bytea ORDER BY u.o)
				 FROM unnest(c.entry_ids) WITH ORDINALITY u(id, o)
				 JOIN clinical_audit.log l ON l.id = u.id))) AS batch_hashes_match,
	   bool_and(c.prev_hash = coalesce(c.before, decode(repeat('00', 32), 'hex'))) AS linked,
	   bool_and(c.first_position = coalesce(c.before_end, 0) + 1) AS no_holes,
	   sum(c.n_entries) = (SELECT count(*) FROM clinical_audit.log) AS every_entry_linked
FROM (SELECT c.*, lag(c.hash) OVER w AS before,
			 lag(c.first_position + c.n_entries - 1) OVER w AS before_end
	  FROM clinical_audit.chain c WINDOW w AS (ORDER BY c.batch)) c;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT c.entries = (SELECT count(*) FROM clinical_audit.log) AS all_entries,
	   c.batch = (SELECT max(batch) FROM clinical_audit.chain) AS last_batch,
	   c.hash = (SELECT encode(hash, 'hex') FROM clinical_audit.chain ORDER BY batch DESC LIMIT 1) AS head_hash
FROM audit_checkpoint() c;

-- a procedure that commits in a loop: each transaction's entries are
-- written and linked at its commit
CREATE PROCEDURE regress_admit(n int) LANGUAGE plpgsql AS $$
BEGIN
	FOR i IN 1 .. n LOOP
		INSERT INTO patient (id, mrn) VALUES (1000 + i, 'P' || i);
		COMMIT;
	END LOOP;
END $$;
CALL regress_admit(3);
SELECT count(DISTINCT l.xid) AS transactions, count(*) AS entries,
	   count(DISTINCT c.batch) AS batches
FROM clinical_audit.log l JOIN clinical_audit.chain c ON l.id = ANY (c.entry_ids)
WHERE l.row_key ->> 'id' IN ('1001', '1002', '1003');
SELECT ok FROM audit_verify();
DROP PROCEDURE regress_admit(int);

-- dropping an audited column or table leaves the log readable and verifiable
ALTER TABLE patient DROP COLUMN score;
UPDATE patient SET family = 'after drop' WHERE id = 2;
SELECT old_row, new_row FROM clinical_audit.log ORDER BY id DESC LIMIT 1;
-- what is worked out once per table (columns in key order, the key) follows
-- a column added or renamed, an exclusion changed
ALTER TABLE patient ADD COLUMN ward text;
ALTER TABLE patient RENAME COLUMN family TO surname;
UPDATE patient SET ward = 'B2' WHERE id = 2;
SELECT old_row, new_row, changed_columns FROM clinical_audit.log ORDER BY id DESC LIMIT 1;
SELECT audit_disable('patient');
SELECT audit_enable('patient', exclude_columns => '{ssn, ward}');
UPDATE patient SET ward = 'B3', surname = 'again' WHERE id = 2;
SELECT old_row, new_row, changed_columns FROM clinical_audit.log ORDER BY id DESC LIMIT 1;
DROP TABLE typed;
SELECT ok, first_broken_id FROM audit_verify();
SELECT table_name, operation FROM clinical_audit.log WHERE table_name = 'typed';

-- audit_to_fhir: an R4 AuditEvent that the fhir type accepts
SELECT id FROM clinical_audit.log WHERE app_user IS NOT NULL;
-- (without what changes from run to run: time, database, xid, hash)
SELECT jsonb_pretty(audit_to_fhir(2)::jsonb - 'recorded' #- '{source,site}'
	#- '{entity,0,detail,3}' #- '{entity,0,detail,1}') AS audit_event;
SELECT audit_to_fhir(2)::jsonb ->> 'recorded' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$' AS recorded_instant;
SELECT count(*) AS validation_issues
FROM clinical_audit.log l, fhir_validate(audit_to_fhir(l.id)::jsonb) v;
SELECT audit_to_fhir(l.id)::jsonb ->> 'action' AS action, l.operation, count(*)
FROM clinical_audit.log l GROUP BY 1, 2 ORDER BY 1, 2;
SELECT audit_to_fhir(100000) IS NULL AS no_such_entry;

-- Batched linking, as by default (pg_clinical.audit_link_every = 32; 4
-- here).  The committer whose ids reach a multiple of 4 links every
-- committed entry after the chain's through_id, in id order; the others
-- write only their entries.  Ids with no row (taken by a transaction that
-- failed after taking them; setval here) are skipped.
SET pg_clinical.audit_link_idle = -1;	-- a backend idle for a while links too
SET pg_clinical.audit_link_every = 4;
SELECT audit_link() >= 0 AS linked_so_far;
CREATE TABLE note4 (id int PRIMARY KEY, txt text);
SELECT audit_enable('note4');
CREATE FUNCTION regress_unlinked() RETURNS TABLE (unlinked bigint, batches bigint)
	LANGUAGE sql AS $$
	SELECT (SELECT count(*) FROM clinical_audit.log
			WHERE id > (SELECT max(through_id) FROM clinical_audit.chain)),
		   (SELECT count(*) FROM clinical_audit.chain) $$;
SELECT batches AS batches_before FROM regress_unlinked() \gset
-- ids up to the next multiple of 4 are taken and never written: holes
SELECT setval('clinical_audit.log_id_seq', (last_value / 4 + 1) * 4) % 4 AS next_id_mod_4
FROM clinical_audit.log_id_seq;
INSERT INTO note4 VALUES (1, 'a');								-- 4m+1: not linked
SELECT unlinked, batches - :batches_before AS new_batches FROM regress_unlinked();
BEGIN;
INSERT INTO note4 VALUES (2, 'b');
SAVEPOINT s;
INSERT INTO note4 VALUES (99, 'rolled back');					-- takes no id
ROLLBACK TO s;
INSERT INTO note4 VALUES (3, 'c');
COMMIT;															-- 4m+2, 4m+3
BEGIN;
INSERT INTO note4 VALUES (98, 'aborted');						-- takes no id
ROLLBACK;
SELECT unlinked, batches - :batches_before AS new_batches FROM regress_unlinked();
INSERT INTO note4 VALUES (4, 'd');								-- 4m+4: links all four
SELECT unlinked, batches - :batches_before AS new_batches FROM regress_unlinked();
SELECT n_entries, entry_ids[1] % 4 AS first_id_mod_4,
	   entry_ids = ARRAY(SELECT generate_series(entry_ids[1], entry_ids[1] + 3)) AS consecutive,
	   through_id = entry_ids[4] AS through_last
FROM clinical_audit.chain ORDER BY batch DESC LIMIT 1;
SELECT array_agg(new_row ->> 'txt' ORDER BY id) AS linked_in_id_order
FROM clinical_audit.log WHERE table_name = 'note4';
-- an entry not linked yet is not a break; audit_verify() links it first
INSERT INTO note4 VALUES (5, 'e');
SELECT unlinked FROM regress_unlinked();
BEGIN TRANSACTION READ ONLY;		-- cannot link: checks what is linked
SELECT ok, entries_checked = (SELECT count(*) - 1 FROM clinical_audit.log) AS all_but_one
FROM audit_verify();
COMMIT;
SELECT ok, entries_checked = (SELECT count(*) FROM clinical_audit.log) AS all_entries
FROM audit_verify();
SELECT unlinked FROM regress_unlinked();
-- an entry not linked yet is checked against its hash too (the attacker
-- below is a superuser who turned the protection off: audit_tamper.sql)
INSERT INTO note4 VALUES (6, 'f');
ALTER TABLE clinical_audit.log DISABLE TRIGGER log_append_only;
UPDATE clinical_audit.log SET new_row = new_row || '{"txt": "F"}' WHERE new_row ->> 'txt' = 'f';
BEGIN TRANSACTION READ ONLY;
SELECT ok, reason FROM audit_verify();
COMMIT;
-- an entry whose hash is malformed is left off the chain (with a WARNING),
-- and linking goes on after it
UPDATE clinical_audit.log SET new_row = new_row || '{"txt": "f"}', hash = '\x0102'
WHERE new_row ->> 'txt' = 'F';
INSERT INTO note4 VALUES (7, 'g');
SELECT audit_link() AS linked;
SELECT unlinked FROM regress_unlinked();
SELECT ok, reason FROM audit_verify();
ALTER TABLE clinical_audit.log ENABLE ALWAYS TRIGGER log_append_only;
RESET pg_clinical.audit_link_every;
RESET pg_clinical.audit_link_idle;
DROP FUNCTION regress_unlinked();

-- clean up (extension.sql runs next and creates the extension itself)
DROP VIEW audit_entries;
DROP TABLE patient, encounter, vitals_ri, vitals_any, obs, note4;
DROP TYPE mood;
DROP FUNCTION add_patient_definer(int);
DROP PROCEDURE twice();
DROP ROLE regress_audit_clerk;
DROP EXTENSION pg_clinical;
