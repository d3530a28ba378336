
-- ===========================================================================
-- Audit: a tamper-evident, hash-chained, append-only log of row changes
-- ===========================================================================
--
-- Audited tables get two triggers whose function is written in C
-- (clinical_audit.log_change): an AFTER INSERT/UPDATE/DELETE row trigger and
-- an AFTER TRUNCATE statement trigger, both enabled ALWAYS.  The trigger
-- only buffers the change in the transaction's memory.  At commit (a
-- pre-commit callback) the transaction's entries get their ids and hashes
-- and are written to clinical_audit.log.  Entries are linked onto the hash
-- chain (clinical_audit.chain) in id order, in batches: every
-- pg_clinical.audit_link_every entries, the committer whose entries reach
-- the next multiple links, if the chain lock is free, all committed entries
-- that follow the last batch.  Nobody waits for the chain lock at commit.
-- Aborted transactions and rolled-back savepoints leave nothing.  See
-- README.md, section "Audit".

CREATE SCHEMA clinical_audit;
COMMENT ON SCHEMA clinical_audit IS
	'pg_clinical audit trail: the log, its hash chain and the archive anchor';
-- the tables below are not readable by PUBLIC; the schema is usable so that
-- table owners can attach the audit triggers (audit_enable runs as its caller)
GRANT USAGE ON SCHEMA clinical_audit TO PUBLIC;

CREATE SEQUENCE clinical_audit.log_id_seq;

-- The log.  Column order is the order of the canonical serialisation that
-- the entry hash covers (README.md, "Audit: the hash chain"); do not reorder.
CREATE TABLE clinical_audit.log (
	id					bigint PRIMARY KEY,		-- from log_id_seq at commit: increasing along each row's history
	recorded_at			timestamptz NOT NULL,	-- clock time of the change
	xact_start			timestamptz NOT NULL,	-- start of the transaction
	xid					xid8 NOT NULL,			-- top-level transaction id
	table_oid			oid NOT NULL,
	schema_name			text NOT NULL,
	table_name			text NOT NULL,
	operation			text NOT NULL
		CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')),
	row_key				jsonb,					-- primary key / replica identity / whole row
	old_row				jsonb,
	new_row				jsonb,
	changed_columns		text[],
	current_user_name	text NOT NULL,
	session_user_name	text NOT NULL,
	app_user			text,					-- GUC pg_clinical.audit_user
	application_name	text,
	client_addr			inet,
	client_port			integer,
	backend_pid			integer NOT NULL,
	statement			text,					-- GUC pg_clinical.audit_log_statement
	hash				bytea NOT NULL			-- SHA-256 of the entry (id .. statement)
);
ALTER SEQUENCE clinical_audit.log_id_seq OWNED BY clinical_audit.log.id;
COMMENT ON TABLE clinical_audit.log IS
	'append-only audit log of changes to audited tables; its entries are linked by clinical_audit.chain';
-- audit_history finds a row's entries by key: a hash index, whose insertion
-- costs a fraction of a btree's on jsonb (no comparisons of jsonb values;
-- 0.8 against 5.5 microseconds per entry with random keys, measured)
CREATE INDEX log_row_key_idx ON clinical_audit.log USING hash (row_key);
-- The row images and hashes are never searched by value: no statistics for
-- them, so that autovacuum's ANALYZE of a busy log stays cheap (it was 8%
-- of the server's CPU under the audit benchmark with them).
ALTER TABLE clinical_audit.log
	ALTER COLUMN old_row SET STATISTICS 0,
	ALTER COLUMN new_row SET STATISTICS 0,
	ALTER COLUMN changed_columns SET STATISTICS 0,
	ALTER COLUMN statement SET STATISTICS 0,
	ALTER COLUMN hash SET STATISTICS 0;

-- The hash chain: one row per batch of linked entries, batches numbered
-- 1, 2, 3 ... without gaps.  hash = SHA-256(prev_hash || F(batch) ||
-- F(first_position) || F(n_entries) || F(through_id) || the entries'
-- hashes in entry_ids order, which is id order); prev_hash is the previous
-- batch's hash (32 zero bytes before the first batch, or the archive
-- anchor's hash).
CREATE TABLE clinical_audit.chain (
	batch				bigint PRIMARY KEY,
	first_position		bigint NOT NULL,		-- chain position of its first entry (1-based)
	n_entries			integer NOT NULL,
	entry_ids			bigint[] NOT NULL,		-- clinical_audit.log ids, in chain order
	linked_at			timestamptz NOT NULL,
	prev_hash			bytea NOT NULL,
	hash				bytea NOT NULL,
	through_id			bigint NOT NULL			-- every log id up to this one is linked or never will be
);
ALTER TABLE clinical_audit.chain
	ALTER COLUMN entry_ids SET STATISTICS 0,
	ALTER COLUMN prev_hash SET STATISTICS 0,
	ALTER COLUMN hash SET STATISTICS 0;
COMMENT ON TABLE clinical_audit.chain IS
	'the hash chain over clinical_audit.log: batches of entries, each hashed onto the previous batch';

-- The archive anchor: at most one row, written by audit_archive only.
CREATE TABLE clinical_audit.anchor (
	singleton			boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	through_batch		bigint NOT NULL,
	entries				bigint NOT NULL,		-- chain positions archived
	hash				bytea NOT NULL,			-- hash of batch through_batch
	archived_at			timestamptz NOT NULL,
	through_id			bigint NOT NULL			-- through_id of batch through_batch
);
COMMENT ON TABLE clinical_audit.anchor IS
	'where the chain starts after archiving (audit_archive): the last archived batch and its hash';

REVOKE ALL ON clinical_audit.log, clinical_audit.chain, clinical_audit.anchor,
	clinical_audit.log_id_seq FROM PUBLIC;

-- keep the trail in pg_dump output
SELECT pg_catalog.pg_extension_config_dump('clinical_audit.log', '');
SELECT pg_catalog.pg_extension_config_dump('clinical_audit.log_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('clinical_audit.chain', '');
SELECT pg_catalog.pg_extension_config_dump('clinical_audit.anchor', '');

-- The C trigger function of audited tables.  Arguments (set by audit_enable):
-- 'full' or 'changed' (UPDATE entries carry whole rows or only the changed
-- columns), then the names of the excluded columns.
CREATE FUNCTION clinical_audit.log_change() RETURNS trigger
	AS 'MODULE_PATHNAME', 'cl_audit_log_change' LANGUAGE C;
COMMENT ON FUNCTION clinical_audit.log_change() IS
	'audit trigger: buffers the change; it is hashed and logged at commit';

-- Append-only protection of the log and its head.
CREATE FUNCTION clinical_audit.protect_log() RETURNS trigger
	AS 'MODULE_PATHNAME', 'cl_audit_protect_log' LANGUAGE C;
COMMENT ON FUNCTION clinical_audit.protect_log() IS
	'rejects UPDATE, DELETE and TRUNCATE of the audit trail''s tables (archiving excepted)';

CREATE TRIGGER log_append_only BEFORE UPDATE OR DELETE ON clinical_audit.log
	FOR EACH ROW EXECUTE FUNCTION clinical_audit.protect_log();
CREATE TRIGGER log_no_truncate BEFORE TRUNCATE ON clinical_audit.log
	FOR EACH STATEMENT EXECUTE FUNCTION clinical_audit.protect_log();
CREATE TRIGGER chain_append_only BEFORE UPDATE OR DELETE ON clinical_audit.chain
	FOR EACH ROW EXECUTE FUNCTION clinical_audit.protect_log();
CREATE TRIGGER chain_no_truncate BEFORE TRUNCATE ON clinical_audit.chain
	FOR EACH STATEMENT EXECUTE FUNCTION clinical_audit.protect_log();
CREATE TRIGGER anchor_protected BEFORE UPDATE OR DELETE ON clinical_audit.anchor
	FOR EACH ROW EXECUTE FUNCTION clinical_audit.protect_log();
CREATE TRIGGER anchor_no_truncate BEFORE TRUNCATE ON clinical_audit.anchor
	FOR EACH STATEMENT EXECUTE FUNCTION clinical_audit.protect_log();
-- they fire under session_replication_role = replica too
ALTER TABLE clinical_audit.log ENABLE ALWAYS TRIGGER log_append_only;
ALTER TABLE clinical_audit.log ENABLE ALWAYS TRIGGER log_no_truncate;
ALTER TABLE clinical_audit.chain ENABLE ALWAYS TRIGGER chain_append_only;
ALTER TABLE clinical_audit.chain ENABLE ALWAYS TRIGGER chain_no_truncate;
ALTER TABLE clinical_audit.anchor ENABLE ALWAYS TRIGGER anchor_protected;
ALTER TABLE clinical_audit.anchor ENABLE ALWAYS TRIGGER anchor_no_truncate;

-- the arguments of a trigger (pg_trigger.tgargs: NUL-terminated strings)
CREATE FUNCTION clinical_audit.trigger_args(args bytea) RETURNS text[]
	LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	result text[] := '{}';
	start int := 0;
	i int;
BEGIN
	FOR i IN 0 .. length(args) - 1 LOOP
		IF get_byte(args, i) = 0 THEN
			result := result || convert_from(substring(args FROM start + 1 FOR i - start),
											 current_setting('server_encoding'));
			start := i + 1;
		END IF;
	END LOOP;
	RETURN result;
END $$;

-- Which tables are audited, and how.
CREATE VIEW clinical_audit.audited_tables AS
	SELECT t.tgrelid::regclass AS table_name,
		   (clinical_audit.trigger_args(t.tgargs))[1] = 'changed' AS changed_only,
		   (clinical_audit.trigger_args(t.tgargs))[2:] AS exclude_columns,
		   t.tgparentid <> 0 AS inherited,
		   CASE t.tgenabled WHEN 'A' THEN 'always' WHEN 'O' THEN 'origin'
				WHEN 'R' THEN 'replica' ELSE 'disabled' END AS fires
	FROM pg_catalog.pg_trigger t
	WHERE t.tgfoid = 'clinical_audit.log_change()'::pg_catalog.regprocedure
	  AND t.tgname = 'clinical_audit_row';
GRANT SELECT ON clinical_audit.audited_tables TO PUBLIC;

-- ---------------------------------------------------------------------------
-- audit_enable / audit_disable
-- ---------------------------------------------------------------------------

CREATE FUNCTION audit_enable(tbl regclass, exclude_columns text[] DEFAULT NULL,
							 changed_only boolean DEFAULT false)
	RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	rel record;
	col text;
	args text;
	qname text;
BEGIN
	IF tbl IS NULL THEN
		RAISE EXCEPTION 'audit_enable: the table must not be NULL'
			USING ERRCODE = '22004';
	END IF;
	SELECT c.relkind, c.relpersistence, n.nspname, c.relname, c.relispartition
	INTO rel
	FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE c.oid = tbl;
	qname := tbl::text;	-- qualified: search_path is pg_catalog, pg_temp
	IF rel.nspname = 'clinical_audit' THEN
		RAISE EXCEPTION 'cannot audit %: it belongs to the audit trail itself', qname
			USING ERRCODE = '42809';
	END IF;
	IF rel.relkind NOT IN ('r', 'p') THEN
		RAISE EXCEPTION 'cannot audit %: it is %', qname,
			CASE rel.relkind WHEN 'v' THEN 'a view' WHEN 'm' THEN 'a materialized view'
				 WHEN 'f' THEN 'a foreign table' WHEN 'S' THEN 'a sequence'
				 WHEN 'i' THEN 'an index' WHEN 'I' THEN 'an index'
				 WHEN 'c' THEN 'a composite type' WHEN 't' THEN 'a TOAST table'
				 ELSE 'not a table' END
			USING ERRCODE = '42809',
				  HINT = 'Only ordinary and partitioned tables can be audited.';
	END IF;
	IF rel.relpersistence = 't' THEN
		RAISE EXCEPTION 'cannot audit %: it is a temporary table', qname
			USING ERRCODE = '42809',
				  HINT = 'Temporary tables are private to a session and vanish with it.';
	END IF;
	IF EXISTS (SELECT 1 FROM pg_trigger t
			   WHERE t.tgrelid = tbl AND t.tgfoid = 'clinical_audit.log_change()'::regprocedure) THEN
		IF EXISTS (SELECT 1 FROM pg_trigger t
				   WHERE t.tgrelid = tbl AND t.tgfoid = 'clinical_audit.log_change()'::regprocedure
					 AND t.tgparentid <> 0) THEN
			RAISE EXCEPTION 'table % is already audited through its partitioned parent', qname
				USING ERRCODE = '42710';
		END IF;
		RAISE EXCEPTION 'table % is already audited', qname
			USING ERRCODE = '42710',
				  HINT = 'To change its options, call audit_disable first.';
	END IF;

	args := CASE WHEN changed_only THEN '''changed''' ELSE '''full''' END;
	IF exclude_columns IS NOT NULL THEN
		FOREACH col IN ARRAY exclude_columns LOOP
			IF col IS NULL THEN
				RAISE EXCEPTION 'exclude_columns must not contain NULL'
					USING ERRCODE = '22004';
			END IF;
			IF NOT EXISTS (
					SELECT 1 FROM pg_attribute a
					WHERE a.attrelid = tbl AND a.attname = col
					  AND a.attnum > 0 AND NOT a.attisdropped) THEN
				RAISE EXCEPTION 'column "%" of table % does not exist', col, qname
					USING ERRCODE = '42703';
			END IF;
			args := args || ', ' || quote_literal(col);
		END LOOP;
	END IF;

	EXECUTE format('CREATE TRIGGER clinical_audit_row AFTER INSERT OR UPDATE OR DELETE ON %s '
				   'FOR EACH ROW EXECUTE FUNCTION clinical_audit.log_change(%s)', qname, args);
	EXECUTE format('CREATE TRIGGER clinical_audit_truncate AFTER TRUNCATE ON %s '
				   'FOR EACH STATEMENT EXECUTE FUNCTION clinical_audit.log_change(%s)', qname, args);
	-- fire under session_replication_role = replica (logical apply) too
	EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER clinical_audit_row', qname);
	EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER clinical_audit_truncate', qname);
END $$;
COMMENT ON FUNCTION audit_enable(regclass, text[], boolean) IS
	'audit every INSERT, UPDATE, DELETE and TRUNCATE of a table into clinical_audit.log';

CREATE FUNCTION audit_disable(tbl regclass) RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	qname text;
BEGIN
	IF tbl IS NULL THEN
		RAISE EXCEPTION 'audit_disable: the table must not be NULL'
			USING ERRCODE = '22004';
	END IF;
	qname := tbl::text;	-- qualified: search_path is pg_catalog, pg_temp
	IF EXISTS (SELECT 1 FROM pg_trigger t
			   WHERE t.tgrelid = tbl AND t.tgfoid = 'clinical_audit.log_change()'::regprocedure
				 AND t.tgparentid <> 0) THEN
		RAISE EXCEPTION 'table % is audited through its partitioned parent', qname
			USING ERRCODE = '42809',
				  HINT = 'Call audit_disable on the partitioned table.';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_trigger t
				   WHERE t.tgrelid = tbl AND t.tgfoid = 'clinical_audit.log_change()'::regprocedure) THEN
		RAISE EXCEPTION 'table % is not audited', qname
			USING ERRCODE = '42704';
	END IF;
	EXECUTE format('DROP TRIGGER IF EXISTS clinical_audit_row ON %s', qname);
	EXECUTE format('DROP TRIGGER IF EXISTS clinical_audit_truncate ON %s', qname);
END $$;
COMMENT ON FUNCTION audit_disable(regclass) IS
	'stop auditing a table (its past entries stay in the log)';

-- ---------------------------------------------------------------------------
-- verification, checkpoint, archiving
-- ---------------------------------------------------------------------------

CREATE FUNCTION audit_verify(OUT ok boolean, OUT entries_checked bigint,
							 OUT first_broken_id bigint, OUT reason text)
	RETURNS record
	AS 'MODULE_PATHNAME', 'cl_audit_verify'
	LANGUAGE C VOLATILE
	SET search_path = pg_catalog, pg_temp;
-- Not SECURITY DEFINER: the C code reads the trail itself (returning only
-- ids and reasons), and links unlinked entries first only when the caller
-- owns the trail, since linking holds the chain lock to the end of the
-- caller's transaction.
COMMENT ON FUNCTION audit_verify() IS
	'walk the audit hash chain: ok, entries checked, the first broken entry and why';

CREATE FUNCTION audit_link() RETURNS bigint
	AS 'MODULE_PATHNAME', 'cl_audit_link'
	LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION audit_link() FROM PUBLIC;
COMMENT ON FUNCTION audit_link() IS
	'link the committed entries not linked yet onto the hash chain now (waits for the chain lock); returns how many';

CREATE FUNCTION audit_checkpoint(OUT entries bigint, OUT batch bigint, OUT hash text,
								 OUT taken_at timestamptz)
	RETURNS record
	AS 'MODULE_PATHNAME', 'cl_audit_checkpoint'
	LANGUAGE C VOLATILE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION audit_checkpoint() IS
	'the end of the audit chain (entries linked, last batch, its hash) to anchor outside the database; the owner links unlinked entries first';

CREATE FUNCTION audit_archive(through_batch bigint) RETURNS bigint
	AS 'MODULE_PATHNAME', 'cl_audit_archive'
	LANGUAGE C VOLATILE STRICT
	SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION audit_archive(bigint) FROM PUBLIC;
COMMENT ON FUNCTION audit_archive(bigint) IS
	'superuser only: delete the chain batches up to one and their log entries (export them first); the rest stays verifiable from the anchor';

-- ---------------------------------------------------------------------------
-- reading the log
-- ---------------------------------------------------------------------------

-- The versions of one row, oldest first.  key is the row_key of the entries
-- (e.g. '{"id": 42}'); an UPDATE that changes the key is followed.  Reads the
-- log with the caller's rights.
CREATE FUNCTION audit_history(tbl regclass, key jsonb)
	RETURNS TABLE (log_id bigint, recorded_at timestamptz, operation text,
				   row_version jsonb, changed_columns text[],
				   current_user_name text, app_user text, xid xid8)
	LANGUAGE plpgsql STABLE STRICT
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r clinical_audit.log;
	cur_key jsonb := key;
	next_key jsonb;
	version jsonb;
	last_id bigint := 0;
	tables oid[];
	restart boolean;
BEGIN
	-- a partitioned table's entries name its partitions
	SELECT array_agg(p.relid) INTO tables FROM pg_partition_tree(tbl) p;
	tables := coalesce(tables, ARRAY[tbl::oid]);
	LOOP
		restart := false;
		FOR r IN SELECT * FROM clinical_audit.log l
				 WHERE l.table_oid = ANY (tables) AND l.row_key = cur_key AND l.id > last_id
				 ORDER BY l.id
		LOOP
			last_id := r.id;
			IF r.operation = 'INSERT' THEN
				version := r.new_row;
			ELSIF r.operation = 'DELETE' THEN
				version := NULL;
			ELSIF r.operation = 'UPDATE' THEN
				-- whole rows, or only the changed columns (changed_only)
				IF (SELECT count(*) FROM jsonb_object_keys(r.new_row)) = cardinality(r.changed_columns) THEN
					version := coalesce(version, r.old_row) || r.new_row;
				ELSE
					version := r.new_row;
				END IF;
			END IF;
			log_id := r.id; recorded_at := r.recorded_at; operation := r.operation;
			row_version := version; changed_columns := r.changed_columns;
			current_user_name := r.current_user_name; app_user := r.app_user; xid := r.xid;
			RETURN NEXT;
			IF r.operation = 'UPDATE' THEN
				SELECT jsonb_object_agg(k, coalesce(r.new_row -> k, r.row_key -> k))
				INTO next_key FROM jsonb_object_keys(r.row_key) k;
				IF next_key IS DISTINCT FROM cur_key THEN
					cur_key := next_key;
					restart := true;
					EXIT;
				END IF;
			END IF;
		END LOOP;
		EXIT WHEN NOT restart;
	END LOOP;
END $$;
COMMENT ON FUNCTION audit_history(regclass, jsonb) IS
	'the logged versions of one row, oldest first (needs SELECT on clinical_audit.log)';

-- One log entry as a FHIR R4 AuditEvent.  Reads the log with the caller's
-- rights; NULL when there is no such entry.
CREATE FUNCTION audit_to_fhir(log_id bigint) RETURNS @extschema@.fhir
	LANGUAGE sql STABLE STRICT
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object(
		'resourceType', 'AuditEvent',
		'id', l.id::text,
		'type', jsonb_build_object(
			'system', 'http://dicom.nema.org/resources/ontology/DCM',
			'code', '110110', 'display', 'Patient Record'),
		'subtype', jsonb_build_array(jsonb_build_object(
			'system', 'http://hl7.org/fhir/restful-interaction',
			'code', CASE l.operation WHEN 'INSERT' THEN 'create'
						WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
			'display', CASE l.operation WHEN 'INSERT' THEN 'create'
						WHEN 'UPDATE' THEN 'update' ELSE 'delete' END)),
		'action', CASE l.operation WHEN 'INSERT' THEN 'C'
					WHEN 'UPDATE' THEN 'U' ELSE 'D' END,
		'recorded', to_char(l.recorded_at AT TIME ZONE 'UTC',
							'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
		'outcome', '0',
		'agent', CASE WHEN l.app_user IS NOT NULL THEN jsonb_build_array(
				jsonb_build_object(
					'type', jsonb_build_object('coding', jsonb_build_array(jsonb_build_object(
						'system', 'http://terminology.hl7.org/CodeSystem/extra-security-role-type',
						'code', 'humanuser', 'display', 'human user'))),
					'who', jsonb_build_object('display', l.app_user),
					'requestor', true),
				jsonb_build_object(
					'type', jsonb_build_object('coding', jsonb_build_array(jsonb_build_object(
						'system', 'http://terminology.hl7.org/CodeSystem/extra-security-role-type',
						'code', 'dataprocessor', 'display', 'data processor'))),
					'who', jsonb_build_object('display', l.current_user_name),
					'altId', l.session_user_name,
					'name', l.application_name,
					'requestor', false,
					'network', CASE WHEN l.client_addr IS NOT NULL THEN jsonb_build_object(
						'address', host(l.client_addr), 'type', '2') END))
			ELSE jsonb_build_array(
				jsonb_build_object(
					'type', jsonb_build_object('coding', jsonb_build_array(jsonb_build_object(
						'system', 'http://terminology.hl7.org/CodeSystem/extra-security-role-type',
						'code', 'dataprocessor', 'display', 'data processor'))),
					'who', jsonb_build_object('display', l.current_user_name),
					'altId', l.session_user_name,
					'name', l.application_name,
					'requestor', true,
					'network', CASE WHEN l.client_addr IS NOT NULL THEN jsonb_build_object(
						'address', host(l.client_addr), 'type', '2') END))
			END,
		'source', jsonb_build_object(
			'site', current_database(),
			'observer', jsonb_build_object('display', 'PostgreSQL pg_clinical audit'),
			'type', jsonb_build_array(jsonb_build_object(
				'system', 'http://terminology.hl7.org/CodeSystem/security-source-type',
				'code', '4', 'display', 'Application Server'))),
		'entity', jsonb_build_array(jsonb_build_object(
			'what', jsonb_build_object(
				'display', format('%I.%I', l.schema_name, l.table_name)
						   || coalesce(' ' || l.row_key::text, '')),
			'type', jsonb_build_object(
				'system', 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
				'code', '2', 'display', 'System Object'),
			'name', format('%I.%I', l.schema_name, l.table_name),
			'detail', (SELECT jsonb_agg(d.v ORDER BY d.n) FROM (VALUES
				(1, jsonb_build_object('type', 'operation', 'valueString', l.operation)),
				(2, jsonb_build_object('type', 'transaction', 'valueString', l.xid::text)),
				(3, CASE WHEN l.changed_columns IS NOT NULL THEN jsonb_build_object(
					'type', 'changed_columns',
					'valueString', array_to_string(l.changed_columns, ','))
				 END),
				(4, jsonb_build_object('type', 'entry_hash', 'valueString', encode(l.hash, 'hex')))
				) d(n, v) WHERE d.v IS NOT NULL)
		))
	))::@extschema@.fhir
	FROM clinical_audit.log l
	WHERE l.id = log_id
$$;
COMMENT ON FUNCTION audit_to_fhir(bigint) IS
	'one audit log entry as a FHIR R4 AuditEvent (needs SELECT on clinical_audit.log)';
