--
-- Audit trail: a superuser who disables the log's protection and alters
-- it is caught by audit_verify(): updated, deleted, inserted and reordered
-- entries, a forged head.  Then archiving keeps the rest verifiable.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_clinical;

CREATE TABLE med (id int PRIMARY KEY, drug text, dose text);
SELECT audit_enable('med');
INSERT INTO med SELECT g, 'drug ' || g, '10 mg' FROM generate_series(1, 6) g;
UPDATE med SET dose = '20 mg' WHERE id <= 2;
DELETE FROM med WHERE id = 6;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();

-- keep a pristine copy to restore between the attacks
CREATE TABLE log_copy AS SELECT * FROM clinical_audit.log;
CREATE TABLE head_copy AS SELECT * FROM clinical_audit.chain_head;
CREATE FUNCTION restore_log() RETURNS void LANGUAGE sql AS $$
	DELETE FROM clinical_audit.log;
	INSERT INTO clinical_audit.log SELECT * FROM log_copy;
	DELETE FROM clinical_audit.chain_head;
	INSERT INTO clinical_audit.chain_head SELECT * FROM head_copy;
$$;
-- the attacker: a superuser turns the protection off
ALTER TABLE clinical_audit.log DISABLE TRIGGER log_append_only;
ALTER TABLE clinical_audit.chain_head DISABLE TRIGGER head_protected;

-- 1. an entry's content is changed
UPDATE clinical_audit.log SET new_row = jsonb_set(new_row, '{dose}', '"5 mg"') WHERE id = 3;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();
-- ... or who made it
UPDATE clinical_audit.log SET current_user_name = 'nobody' WHERE id = 7;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();
-- ... or when
UPDATE clinical_audit.log SET recorded_at = recorded_at - interval '1 day' WHERE id = 8;
SELECT ok, first_broken_id, reason FROM audit_verify();
SELECT restore_log();

-- 2. an entry is deleted (in the middle, at the start, at the end)
DELETE FROM clinical_audit.log WHERE id = 4;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();
DELETE FROM clinical_audit.log WHERE id IN (1, 2);
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();
DELETE FROM clinical_audit.log WHERE id = 9;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();

-- 3. an entry is inserted: at the end, or in place of a deleted one with
-- a recomputed-looking hash
INSERT INTO clinical_audit.log
	SELECT id + 1, recorded_at, xact_start, xid, table_oid, schema_name, table_name,
		   'DELETE', row_key, new_row, NULL, NULL, current_user_name, session_user_name,
		   app_user, application_name, client_addr, client_port, backend_pid, statement,
		   hash, sha256(hash)
	FROM clinical_audit.log WHERE id = 9;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();
DELETE FROM clinical_audit.log WHERE id = 5;
INSERT INTO clinical_audit.log
	SELECT 5, recorded_at, xact_start, xid, table_oid, schema_name, table_name,
		   operation, row_key, old_row, new_row, changed_columns, 'mallory', session_user_name,
		   app_user, application_name, client_addr, client_port, backend_pid, statement,
		   prev_hash, hash
	FROM log_copy WHERE id = 5;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();

-- 4. two entries are reordered (their ids swapped)
UPDATE clinical_audit.log SET id = -id WHERE id IN (2, 3);
UPDATE clinical_audit.log SET id = CASE id WHEN -2 THEN 3 ELSE 2 END WHERE id IN (-2, -3);
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();
-- ... with their links swapped too
UPDATE clinical_audit.log l SET prev_hash = c.prev_hash
FROM log_copy c WHERE (l.id, c.id) IN ((2, 3), (3, 2));
UPDATE clinical_audit.log SET id = -id WHERE id IN (2, 3);
UPDATE clinical_audit.log SET id = CASE id WHEN -2 THEN 3 ELSE 2 END WHERE id IN (-2, -3);
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();

-- 5. the head is forged (moved back, or given another hash); a second head
-- row is refused by its primary key
UPDATE clinical_audit.chain_head SET last_id = 8;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
-- ... which also stops audited commits until it is repaired (id 9 exists)
INSERT INTO med VALUES (7, 'x', 'y');
SELECT count(*) AS not_committed FROM med WHERE id = 7;
SELECT restore_log();
UPDATE clinical_audit.chain_head SET last_hash = sha256('x');
SELECT ok, entries_checked, first_broken_id FROM audit_verify();
SELECT restore_log();
INSERT INTO clinical_audit.chain_head SELECT * FROM head_copy;

-- restored: sound again, and the chain continues where it was
SELECT ok, entries_checked FROM audit_verify();
ALTER TABLE clinical_audit.log ENABLE ALWAYS TRIGGER log_append_only;
ALTER TABLE clinical_audit.chain_head ENABLE ALWAYS TRIGGER head_protected;
INSERT INTO med VALUES (7, 'drug 7', '1 mg');
SELECT ok, entries_checked FROM audit_verify();

-- archiving (superuser): entries up to 4 go, the anchor keeps the rest verifiable
SELECT (SELECT prev_hash FROM clinical_audit.log WHERE id = 5)
	   = (SELECT hash FROM clinical_audit.log WHERE id = 4) AS entry_5_links_to_4;
SELECT audit_archive(4) AS archived;
SELECT min(id), max(id), count(*) FROM clinical_audit.log;
SELECT last_id, anchor_id FROM audit_checkpoint();
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT audit_archive(3) AS already_archived;
-- archiving everything leaves an empty, still verifiable chain that goes on
SELECT audit_archive(10) AS archived;
SELECT count(*) FROM clinical_audit.log;
SELECT ok, entries_checked, first_broken_id FROM audit_verify();
INSERT INTO med VALUES (8, 'drug 8', '2 mg');
SELECT id FROM clinical_audit.log;
SELECT ok, entries_checked, first_broken_id FROM audit_verify();
-- an archived entry that reappears is seen
ALTER TABLE clinical_audit.log DISABLE TRIGGER log_append_only;
INSERT INTO clinical_audit.log SELECT * FROM log_copy WHERE id = 9;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
DELETE FROM clinical_audit.log WHERE id = 9;
ALTER TABLE clinical_audit.log ENABLE ALWAYS TRIGGER log_append_only;
SELECT ok FROM audit_verify();

DROP FUNCTION restore_log();
DROP TABLE med, log_copy, head_copy;
DROP EXTENSION pg_clinical;
