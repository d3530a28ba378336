--
-- Audit trail: a superuser who disables the protection and alters the log
-- or the chain is caught by audit_verify(): updated, deleted, inserted and
-- reordered entries, recomputed hashes, removed or reordered batches.  Then
-- archiving keeps the rest verifiable.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_clinical;
SET pg_clinical.audit_link_every = 1;	-- link at every commit

CREATE TABLE med (id int PRIMARY KEY, drug text, dose text);
SELECT audit_enable('med');
INSERT INTO med SELECT g, 'drug ' || g, '10 mg' FROM generate_series(1, 6) g;	-- batch 1: entries 1-6
UPDATE med SET dose = '20 mg' WHERE id <= 2;									-- batch 2: 7, 8
SELECT nextval('clinical_audit.log_id_seq') AS hole;	-- 9: taken, never written (as by a commit that failed)
DELETE FROM med WHERE id = 6;													-- batch 3: 10
SELECT batch, first_position, n_entries, entry_ids FROM clinical_audit.chain ORDER BY batch;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();

-- the entry hash, as an attacker who read README.md would recompute it
CREATE FUNCTION forged_hash(l clinical_audit.log) RETURNS bytea LANGUAGE sql AS $$
	SELECT regress_entry_hash(to_jsonb(l)) $$;	-- sql/00_helpers.sql
SELECT bool_and(hash = forged_hash(l)) AS attacker_can_recompute FROM clinical_audit.log l;

-- keep a pristine copy to restore between the attacks
CREATE TABLE log_copy AS SELECT * FROM clinical_audit.log;
CREATE TABLE chain_copy AS SELECT * FROM clinical_audit.chain;
CREATE FUNCTION restore_log() RETURNS void LANGUAGE sql AS $$
	DELETE FROM clinical_audit.log;
	INSERT INTO clinical_audit.log SELECT * FROM log_copy;
	DELETE FROM clinical_audit.chain;
	INSERT INTO clinical_audit.chain SELECT * FROM chain_copy;
$$;
-- the attacker: a superuser turns the protection off
ALTER TABLE clinical_audit.log DISABLE TRIGGER log_append_only;
ALTER TABLE clinical_audit.chain DISABLE TRIGGER chain_append_only;

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
-- ... with its entry hash recomputed: the batch hash still tells
UPDATE clinical_audit.log SET current_user_name = 'nobody' WHERE id = 7;
UPDATE clinical_audit.log l SET hash = forged_hash(l) WHERE id = 7;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();

-- 2. an entry is deleted (in the middle, at the start, at the end)
DELETE FROM clinical_audit.log WHERE id = 4;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();
DELETE FROM clinical_audit.log WHERE id IN (1, 2);
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();
DELETE FROM clinical_audit.log WHERE id = 10;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();
-- ... and dropped from its batch too
DELETE FROM clinical_audit.log WHERE id = 8;
UPDATE clinical_audit.chain SET entry_ids = '{7}', n_entries = 1 WHERE batch = 2;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();

-- 3. an entry is inserted among the linked ones (a forged one with a correct
-- entry hash, in the unused id 9), or put into a batch
CREATE FUNCTION forge_entry(new_id bigint) RETURNS void LANGUAGE sql AS $$
	INSERT INTO clinical_audit.log
		SELECT new_id, recorded_at, xact_start, xid, table_oid, schema_name, table_name,
			   'DELETE', row_key, new_row, NULL, NULL, current_user_name, session_user_name,
			   app_user, application_name, client_addr, client_port, backend_pid, statement, hash
		FROM clinical_audit.log WHERE id = 8;
	UPDATE clinical_audit.log l SET hash = forged_hash(l) WHERE id = new_id;
$$;
SELECT forge_entry(9);
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
UPDATE clinical_audit.chain SET entry_ids = '{9,10}', n_entries = 2 WHERE batch = 3;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();
-- ... or appended after the end with an id that the sequence never gave
-- out (one taken with nextval() would be linked like a committed entry:
-- README.md, "What the chain proves")
SELECT forge_entry(100);
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();

-- 4. two entries are reordered (their ids swapped), with or without their
-- hashes
UPDATE clinical_audit.log SET id = -id WHERE id IN (2, 3);
UPDATE clinical_audit.log SET id = CASE id WHEN -2 THEN 3 ELSE 2 END WHERE id IN (-2, -3);
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
UPDATE clinical_audit.log l SET hash = forged_hash(l) WHERE id IN (2, 3);
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();
-- ... or linked in another order in their batch
UPDATE clinical_audit.chain SET entry_ids = '{2,1,3,4,5,6}' WHERE batch = 1;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();

-- ... or a batch's through_id is altered (it says up to where every id is
-- linked or never will be: lowered, it would let a forged entry be linked
-- into a hole); the order of ids and the batch hash cover it
UPDATE clinical_audit.chain SET through_id = 8 WHERE batch = 3;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();
UPDATE clinical_audit.chain SET through_id = 9 WHERE batch = 2;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();

-- 5. the chain itself: a batch is deleted, renumbered or swapped
DELETE FROM clinical_audit.chain WHERE batch = 2;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();
DELETE FROM clinical_audit.chain WHERE batch = 3;	-- the last one: nothing is lost,
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT hash = (SELECT hash FROM chain_copy WHERE batch = 3) AS same_batch_again	-- its entry is linked again
FROM clinical_audit.chain WHERE batch = 3;
SELECT restore_log();
UPDATE clinical_audit.chain SET batch = -batch WHERE batch IN (2, 3);
UPDATE clinical_audit.chain SET batch = CASE batch WHEN -2 THEN 3 ELSE 2 END WHERE batch IN (-2, -3);
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT restore_log();
-- ... or a whole batch and its entries are removed from the end: the chain
-- is sound but shorter, which only a checkpoint kept outside shows
SELECT entries AS checkpoint_entries, batch AS checkpoint_batch FROM audit_checkpoint() \gset
DELETE FROM clinical_audit.log WHERE id = 10;
DELETE FROM clinical_audit.chain WHERE batch = 3;
SELECT ok, entries_checked FROM audit_verify();
SELECT entries < :checkpoint_entries AS shorter_than_checkpoint FROM audit_checkpoint();
SELECT restore_log();

-- restored: sound again, and the chain continues where it was
SELECT ok, entries_checked FROM audit_verify();
ALTER TABLE clinical_audit.log ENABLE ALWAYS TRIGGER log_append_only;
ALTER TABLE clinical_audit.chain ENABLE ALWAYS TRIGGER chain_append_only;
INSERT INTO med VALUES (7, 'drug 7', '1 mg');										-- batch 4: entry 11
SELECT ok, entries_checked FROM audit_verify();

-- archiving (superuser): batches up to 2 and their entries go, the anchor
-- keeps the rest verifiable
SELECT audit_archive(2) AS archived;
SELECT min(id), max(id), count(*) FROM clinical_audit.log;
SELECT through_batch, entries, hash = (SELECT hash FROM chain_copy WHERE batch = 2) AS anchor_hash
FROM clinical_audit.anchor;
SELECT entries, batch FROM audit_checkpoint();
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
SELECT audit_archive(1) AS already_archived;
-- archiving everything leaves an empty, still verifiable chain that goes on
SELECT audit_archive(4) AS archived;
SELECT count(*) AS entries_left, (SELECT count(*) FROM clinical_audit.chain) AS batches_left
FROM clinical_audit.log;
SELECT ok, entries_checked, first_broken_id FROM audit_verify();
INSERT INTO med VALUES (8, 'drug 8', '2 mg');
SELECT id FROM clinical_audit.log;
SELECT batch, first_position, entry_ids FROM clinical_audit.chain;
SELECT ok, entries_checked, first_broken_id FROM audit_verify();
-- an archived entry that reappears is seen
ALTER TABLE clinical_audit.log DISABLE TRIGGER log_append_only;
INSERT INTO clinical_audit.log SELECT * FROM log_copy WHERE id = 10;
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
DELETE FROM clinical_audit.log WHERE id = 10;
ALTER TABLE clinical_audit.log ENABLE ALWAYS TRIGGER log_append_only;
-- ... and so is a forged anchor
ALTER TABLE clinical_audit.anchor DISABLE TRIGGER anchor_protected;
UPDATE clinical_audit.anchor SET hash = sha256('x');
SELECT ok, entries_checked, first_broken_id, reason FROM audit_verify();
ALTER TABLE clinical_audit.anchor ENABLE ALWAYS TRIGGER anchor_protected;

DROP FUNCTION restore_log(), forge_entry(bigint), forged_hash(clinical_audit.log);
DROP TABLE med, log_copy, chain_copy;
DROP EXTENSION pg_clinical;
