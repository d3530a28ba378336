-- test/bench/audit/setup.sql: the benchmark's clinical table and the two
-- PL/pgSQL audit triggers it is compared with (loaded once per database).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_clinical;

DROP TABLE IF EXISTS bench_obs;
CREATE TABLE bench_obs (
	id			bigserial PRIMARY KEY,
	patient_id	integer NOT NULL,
	mrn			text NOT NULL,
	family		text,
	given		text,
	birth_date	date,
	sex			char(1),
	code		text,
	value		numeric,
	unit		text,
	status		text,
	updated_at	timestamptz NOT NULL DEFAULT now()
);

-- a supa_audit-like trigger: the row (and the old row) as jsonb into a log table
CREATE SCHEMA IF NOT EXISTS bench_audit;
DROP TABLE IF EXISTS bench_audit.record_version;
CREATE TABLE bench_audit.record_version (
	id			bigserial PRIMARY KEY,
	record_id	jsonb,
	op			text NOT NULL,
	ts			timestamptz NOT NULL DEFAULT now(),
	table_oid	oid NOT NULL,
	table_schema name NOT NULL,
	table_name	name NOT NULL,
	record		jsonb,
	old_record	jsonb,
	actor		text NOT NULL DEFAULT current_user
);
CREATE INDEX ON bench_audit.record_version (ts);
CREATE INDEX ON bench_audit.record_version (table_oid);

CREATE OR REPLACE FUNCTION bench_audit.insert_update_delete_trigger() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
	rec jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END;
	old_rec jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
BEGIN
	INSERT INTO bench_audit.record_version
		(record_id, op, table_oid, table_schema, table_name, record, old_record)
	VALUES (jsonb_build_object('id', coalesce(rec, old_rec) -> 'id'), TG_OP, TG_RELID,
			TG_TABLE_SCHEMA, TG_TABLE_NAME, rec, old_rec);
	RETURN coalesce(NEW, OLD);
END $$;

-- the same with a naive hash chain: an advisory lock held until commit, the
-- previous hash read back, SHA-256 over it and the entry
DROP TABLE IF EXISTS bench_audit.chained;
CREATE TABLE bench_audit.chained (LIKE bench_audit.record_version INCLUDING ALL);
ALTER TABLE bench_audit.chained ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;

CREATE OR REPLACE FUNCTION bench_audit.chained_trigger() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
	rec jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END;
	old_rec jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
	prev bytea;
BEGIN
	PERFORM pg_advisory_xact_lock(727272);
	SELECT c.hash INTO prev FROM bench_audit.chained c ORDER BY c.id DESC LIMIT 1;
	prev := coalesce(prev, '\x00'::bytea);
	INSERT INTO bench_audit.chained
		(record_id, op, table_oid, table_schema, table_name, record, old_record, prev_hash, hash)
	VALUES (jsonb_build_object('id', coalesce(rec, old_rec) -> 'id'), TG_OP, TG_RELID,
			TG_TABLE_SCHEMA, TG_TABLE_NAME, rec, old_rec, prev,
			sha256(prev || convert_to(concat_ws('|', TG_OP, TG_RELID, rec, old_rec), 'UTF8')));
	RETURN coalesce(NEW, OLD);
END $$;

-- switch between the modes: none, audit, plpgsql, chained
CREATE OR REPLACE FUNCTION bench_audit.set_mode(mode text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM clinical_audit.audited_tables WHERE table_name = 'bench_obs'::regclass) THEN
		PERFORM audit_disable('bench_obs');
	END IF;
	DROP TRIGGER IF EXISTS bench_plpgsql ON bench_obs;
	DROP TRIGGER IF EXISTS bench_chained ON bench_obs;
	IF mode = 'audit' THEN
		PERFORM audit_enable('bench_obs');
	ELSIF mode = 'plpgsql' THEN
		CREATE TRIGGER bench_plpgsql AFTER INSERT OR UPDATE OR DELETE ON bench_obs
			FOR EACH ROW EXECUTE FUNCTION bench_audit.insert_update_delete_trigger();
	ELSIF mode = 'chained' THEN
		CREATE TRIGGER bench_chained AFTER INSERT OR UPDATE OR DELETE ON bench_obs
			FOR EACH ROW EXECUTE FUNCTION bench_audit.chained_trigger();
	ELSIF mode <> 'none' THEN
		RAISE EXCEPTION 'unknown mode %', mode;
	END IF;
END $$;
