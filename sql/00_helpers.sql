--
-- Helpers shared by the regression tests (this file runs first).
--
-- regress_error(query): runs a query and returns its error as
-- "SQLSTATE: message (detail)", or 'no error', so that SQLSTATEs and
-- details are part of the expected output.
CREATE FUNCTION regress_error(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text;
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
	RETURN st || ': ' || msg || CASE WHEN det <> '' THEN ' (' || det || ')' ELSE '' END;
END $$;
SELECT regress_error('SELECT 1/0');
SELECT regress_error('SELECT 1');

-- F(v) and the timestamp text of the audit trail's canonical serialisation
-- (README.md, "The chain"), to recompute its hashes in plain SQL
CREATE FUNCTION regress_f(t text) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN t IS NULL THEN '\xffffffff'::bytea
		   ELSE int4send(octet_length(convert_to(t, 'UTF8'))) || convert_to(t, 'UTF8') END $$;
CREATE FUNCTION regress_us(ts timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT (extract(epoch FROM ts) * 1000000)::bigint::text $$;
-- the entry hash of a clinical_audit.log row, given as to_jsonb(row)
CREATE FUNCTION regress_entry_hash(l jsonb) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
	SELECT sha256(regress_f(l->>'id') ||
		regress_f(regress_us((l->>'recorded_at')::timestamptz)) ||
		regress_f(regress_us((l->>'xact_start')::timestamptz)) ||
		regress_f(l->>'xid') || regress_f(l->>'table_oid') ||
		regress_f(l->>'schema_name') || regress_f(l->>'table_name') || regress_f(l->>'operation') ||
		regress_f(CASE WHEN jsonb_typeof(l->'row_key') <> 'null' THEN (l->'row_key')::text END) ||
		regress_f(CASE WHEN jsonb_typeof(l->'old_row') <> 'null' THEN (l->'old_row')::text END) ||
		regress_f(CASE WHEN jsonb_typeof(l->'new_row') <> 'null' THEN (l->'new_row')::text END) ||
		CASE WHEN jsonb_typeof(l->'changed_columns') = 'null' THEN '\xffffffff'::bytea
			 ELSE int4send(jsonb_array_length(l->'changed_columns')) ||
				  coalesce((SELECT string_agg(regress_f(c), ''::bytea ORDER BY o)
							FROM jsonb_array_elements_text(l->'changed_columns') WITH ORDINALITY u(c, o)), '') END ||
		regress_f(l->>'current_user_name') || regress_f(l->>'session_user_name') ||
		regress_f(l->>'app_user') || regress_f(l->>'application_name') ||
		regress_f(l->>'client_addr') || regress_f(l->>'client_port') ||
		regress_f(l->>'backend_pid') || regress_f(l->>'statement')) $$;
