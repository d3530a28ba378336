--
-- Audit trail: bad input and forbidden operations, each a clear ERROR with
-- its SQLSTATE.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_clinical;
SET pg_clinical.audit_link_every = 1;	-- link at every commit

CREATE TABLE chart (id int PRIMARY KEY, note text);
CREATE VIEW chart_view AS SELECT * FROM chart;
CREATE MATERIALIZED VIEW chart_mv AS SELECT * FROM chart;
CREATE SEQUENCE chart_seq;
CREATE TYPE chart_row AS (a int);
CREATE FOREIGN DATA WRAPPER regress_audit_fdw;
CREATE SERVER regress_audit_srv FOREIGN DATA WRAPPER regress_audit_fdw;
CREATE FOREIGN TABLE chart_remote (id int) SERVER regress_audit_srv;
CREATE TEMP TABLE chart_tmp (id int);
CREATE TABLE chart_parted (id int, k int) PARTITION BY LIST (k);
CREATE TABLE chart_part1 PARTITION OF chart_parted FOR VALUES IN (1);

-- what cannot be audited
SELECT regress_error($$SELECT audit_enable('chart_view')$$) AS view;
SELECT regress_error($$SELECT audit_enable('chart_mv')$$) AS matview;
SELECT regress_error($$SELECT audit_enable('chart_seq')$$) AS sequence;
SELECT regress_error($$SELECT audit_enable('chart_row')$$) AS composite;
SELECT regress_error($$SELECT audit_enable('chart_pkey')$$) AS index;
SELECT regress_error($$SELECT audit_enable('chart_remote')$$) AS foreign_table;
SELECT regress_error($$SELECT audit_enable('chart_tmp')$$) AS temp_table;
SELECT regress_error($$SELECT audit_enable('clinical_audit.log')$$) AS the_log;
SELECT regress_error($$SELECT audit_enable('clinical_audit.chain')$$) AS the_chain;
SELECT regress_error($$SELECT audit_enable('no_such_table')$$) AS missing;
SELECT regress_error($$SELECT audit_enable(NULL)$$) AS null_table;
SELECT regress_error($$SELECT audit_enable('chart', '{no_such_column}')$$) AS bad_column;
SELECT regress_error($$SELECT audit_enable('chart', '{note, NULL}')$$) AS null_column;

-- already audited: an error (options change through audit_disable first)
SELECT audit_enable('chart');
SELECT regress_error($$SELECT audit_enable('chart')$$) AS twice;
SELECT audit_enable('chart_parted');
SELECT regress_error($$SELECT audit_enable('chart_part1')$$) AS partition_of_audited;
SELECT regress_error($$SELECT audit_disable('chart_part1')$$) AS disable_partition;
SELECT audit_disable('chart');
SELECT regress_error($$SELECT audit_disable('chart')$$) AS not_audited;
SELECT regress_error($$SELECT audit_disable(NULL)$$) AS null_disable;

-- only the table's owner may audit it or stop auditing it
CREATE ROLE regress_audit_other;
CREATE TABLE chart_other (id int);
SELECT audit_enable('chart');
SET ROLE regress_audit_other;
SELECT regress_error($$SELECT audit_disable('chart')$$) AS not_owner_disable;
SELECT regress_error($$SELECT audit_enable('chart_other')$$) AS not_owner_enable;
RESET ROLE;

-- the trigger functions are triggers only
SELECT regress_error($$SELECT clinical_audit.log_change()$$) AS direct_call;
SELECT regress_error($$SELECT clinical_audit.protect_log()$$) AS direct_call_protect;
CREATE TABLE chart_before (id int);
CREATE TRIGGER wrong BEFORE INSERT ON chart_before
	FOR EACH ROW EXECUTE FUNCTION clinical_audit.log_change('full');
SELECT regress_error($$INSERT INTO chart_before VALUES (1)$$) AS before_trigger;
CREATE TABLE chart_stmt (id int);
CREATE TRIGGER wrong AFTER INSERT ON chart_stmt
	FOR EACH STATEMENT EXECUTE FUNCTION clinical_audit.log_change('full');
SELECT regress_error($$INSERT INTO chart_stmt VALUES (1)$$) AS statement_trigger;

-- append-only: UPDATE, DELETE and TRUNCATE of the log and the head fail,
-- for the superuser too (until a superuser disables the triggers:
-- audit_tamper.sql shows that audit_verify then sees it)
INSERT INTO chart VALUES (1, 'a');
SELECT regress_error($$UPDATE clinical_audit.log SET operation = 'DELETE'$$) AS update_log;
SELECT regress_error($$DELETE FROM clinical_audit.log$$) AS delete_log;
SELECT regress_error($$TRUNCATE clinical_audit.log$$) AS truncate_log;
SELECT regress_error($$UPDATE clinical_audit.chain SET batch = 0$$) AS update_chain;
SELECT regress_error($$DELETE FROM clinical_audit.chain$$) AS delete_chain;
SELECT regress_error($$TRUNCATE clinical_audit.chain$$) AS truncate_chain;
SELECT regress_error($$TRUNCATE clinical_audit.anchor$$) AS truncate_anchor;
-- linking and archiving write: not in a read-only transaction; archiving
-- reads the latest batches: not under REPEATABLE READ or SERIALIZABLE
BEGIN TRANSACTION READ ONLY;
SELECT regress_error('SELECT audit_link()') AS link_read_only;
SELECT regress_error('SELECT audit_archive(1)') AS archive_read_only;
COMMIT;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT regress_error('SELECT audit_archive(1)') AS archive_repeatable_read;
COMMIT;
-- also under session_replication_role = replica
SET session_replication_role = replica;
SELECT regress_error($$DELETE FROM clinical_audit.log$$) AS delete_log_replica;
RESET session_replication_role;
-- ordinary roles, including the audited table's owner, get no access at all
ALTER TABLE chart OWNER TO regress_audit_other;
SET ROLE regress_audit_other;
UPDATE chart SET note = 'b';	-- audited: the owner's change is logged
SELECT regress_error($$DELETE FROM clinical_audit.log$$) AS owner_delete;
SELECT regress_error($$ALTER TABLE clinical_audit.log DISABLE TRIGGER log_append_only$$) AS owner_disable;
SELECT regress_error($$SELECT audit_archive(1)$$) AS owner_archive;
SELECT ok, entries_checked FROM audit_verify();
RESET ROLE;
SELECT id, operation, current_user_name FROM clinical_audit.log ORDER BY id;

-- audit_archive: superuser only (also when EXECUTE is granted), bounded
GRANT EXECUTE ON FUNCTION audit_archive(bigint) TO regress_audit_other;
SET ROLE regress_audit_other;
SELECT regress_error($$SELECT audit_archive(1)$$) AS granted_archive;
RESET ROLE;
SELECT regress_error($$SELECT audit_archive(100)$$) AS beyond_head;
SELECT regress_error($$SELECT audit_archive(NULL)$$) AS null_archive;

-- two-phase commit cannot carry audited changes
BEGIN;
INSERT INTO chart VALUES (2, 'b');
PREPARE TRANSACTION 'regress_audit_2pc';
SELECT count(*) AS prepared FROM pg_prepared_xacts WHERE gid = 'regress_audit_2pc';
SELECT count(*) AS entries FROM clinical_audit.log;
-- ... nor keep the chain lock (taken by audit_verify() of the trail's owner):
-- a prepared transaction holding it would stop all linking
BEGIN;
SELECT ok FROM audit_verify();
PREPARE TRANSACTION 'regress_audit_2pc_lock';
SELECT count(*) AS prepared FROM pg_prepared_xacts WHERE gid = 'regress_audit_2pc_lock';
-- a chain lock taken in a rolled-back savepoint is gone with it
BEGIN;
SAVEPOINT s;
SELECT ok FROM audit_verify();
ROLLBACK TO SAVEPOINT s;
PREPARE TRANSACTION 'regress_audit_2pc_sp';
COMMIT PREPARED 'regress_audit_2pc_sp';

-- audit_history and audit_to_fhir read the log with the caller's rights
SET ROLE regress_audit_other;
SELECT regress_error($$SELECT * FROM audit_history('chart', '{"id": 1}')$$) AS history_no_select;
SELECT regress_error($$SELECT audit_to_fhir(1)$$) AS fhir_no_select;
RESET ROLE;
SELECT count(*) FROM audit_history('chart', NULL);
SELECT audit_to_fhir(NULL);

-- the functions that run with the log owner's rights pin search_path
SELECT p.proname, p.prosecdef, p.proconfig
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pg_clinical')
  AND (p.proname LIKE 'audit%' OR p.pronamespace = 'clinical_audit'::regnamespace)
ORDER BY 1;

-- an index a superuser adds to the chain, even on an expression or partial,
-- is kept by linking
CREATE INDEX chain_extra ON clinical_audit.chain ((n_entries + 1)) WHERE n_entries > 0;
INSERT INTO chart VALUES (100, 'indexed');
SELECT count(*) > 0 AS batches_indexed FROM clinical_audit.chain WHERE n_entries + 1 > 1 AND n_entries > 0;
DROP INDEX clinical_audit.chain_extra;
SELECT ok FROM audit_verify();
-- a primary key moved off the log's id is reported, not followed: the
-- linking commit warns and commits, audit_verify() says what is wrong
ALTER TABLE clinical_audit.log DROP CONSTRAINT log_pkey;
ALTER TABLE clinical_audit.log ADD PRIMARY KEY (hash);
INSERT INTO chart VALUES (101, 'key moved');
SELECT ok, reason FROM audit_verify();
ALTER TABLE clinical_audit.log DROP CONSTRAINT log_pkey;
ALTER TABLE clinical_audit.log ADD PRIMARY KEY (id);
SELECT ok, entries_checked FROM audit_verify();
-- the log's columns are checked by name and type at each audited commit: a
-- column a superuser adds is refused (the chain would not cover it), and so
-- is a column whose type changed; the audited change does not commit
ALTER TABLE clinical_audit.log ADD COLUMN note text;
INSERT INTO chart VALUES (102, 'extra column');
SELECT count(*) AS rows_102 FROM chart WHERE id = 102;
SELECT ok, reason FROM audit_verify();
ALTER TABLE clinical_audit.log ALTER COLUMN client_port TYPE bigint;
INSERT INTO chart VALUES (102, 'column retyped');
ALTER TABLE clinical_audit.log ALTER COLUMN client_port TYPE integer;
-- a type modifier too (timestamptz(6) keeps every value as it is)
ALTER TABLE clinical_audit.log ALTER COLUMN recorded_at TYPE timestamptz(6);
INSERT INTO chart VALUES (102, 'precision set');
ALTER TABLE clinical_audit.log ALTER COLUMN recorded_at TYPE timestamptz;
-- once it is dropped again, entries go in around the dropped column, link
-- and verify, and audit_history, audit_to_fhir and the hashes read them
ALTER TABLE clinical_audit.log DROP COLUMN note;
INSERT INTO chart VALUES (102, 'after a dropped column');
UPDATE chart SET note = 'updated after a dropped column' WHERE id = 102;
SELECT operation, row_version->>'note' AS note FROM audit_history('chart', '{"id": 102}');
SELECT audit_to_fhir(l.id)::jsonb ->> 'action' AS fhir_action
FROM clinical_audit.log l WHERE row_key = '{"id": 102}' ORDER BY l.id;
SELECT bool_and(hash = regress_entry_hash(to_jsonb(l))) AS hashes_match
FROM clinical_audit.log l WHERE row_key = '{"id": 102}';
SELECT audit_link() >= 0 AS linked;
SELECT ok, reason FROM audit_verify();
-- the same for the chain and the anchor: a column added to the chain makes
-- linking at commit warn (the change commits) until it is dropped again
ALTER TABLE clinical_audit.chain ADD COLUMN note text;
SET pg_clinical.audit_link_every = 1;
INSERT INTO chart VALUES (103, 'chain with an extra column');
ALTER TABLE clinical_audit.chain DROP COLUMN note;
ALTER TABLE clinical_audit.anchor ADD COLUMN note text;
ALTER TABLE clinical_audit.anchor DROP COLUMN note;
INSERT INTO chart VALUES (104, 'chain with a dropped column');
RESET pg_clinical.audit_link_every;
SELECT count(*) AS unlinked FROM clinical_audit.log
WHERE id > (SELECT max(through_id) FROM clinical_audit.chain);
SELECT n_entries, cardinality(entry_ids) AS ids, through_id = entry_ids[n_entries] AS through_last
FROM clinical_audit.chain ORDER BY batch DESC LIMIT 1;
SELECT audit_archive(1) > 0 AS archived;
SELECT through_batch FROM clinical_audit.anchor;
SELECT ok, reason FROM audit_verify();

DROP VIEW chart_view;
DROP MATERIALIZED VIEW chart_mv;
DROP TABLE chart, chart_parted, chart_before, chart_stmt, chart_tmp, chart_other;
DROP SEQUENCE chart_seq;
DROP TYPE chart_row;
DROP FOREIGN TABLE chart_remote;
DROP SERVER regress_audit_srv;
DROP FOREIGN DATA WRAPPER regress_audit_fdw;
REVOKE EXECUTE ON FUNCTION audit_archive(bigint) FROM regress_audit_other;
DROP ROLE regress_audit_other;
DROP EXTENSION pg_clinical;
