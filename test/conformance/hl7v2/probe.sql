-- probe.sql: server side of the HL7 v2 conformance run (run-hl7v2.sh).
-- conformance.py appends "COPY conf_input FROM STDIN" data and the final
-- SELECT; everything here lives in pg_temp and disappears with the session.

SET client_min_messages = error;   -- hl7_split_batch(skip_bad) WARNINGs

CREATE TEMP TABLE conf_input (id int PRIMARY KEY, mode text NOT NULL, data bytea NOT NULL);

-- what we read back from one accepted message: the stored text, the raw
-- (still encoded) first repetition of the compared fields, every OBX-5, and
-- whether the jsonb form gives the same message back
CREATE FUNCTION pg_temp.conf_describe(m hl7v2) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	r jsonb;
	nobx int;
	st text;
	msg text;
BEGIN
	SELECT count(*) INTO nobx FROM hl7_segments(m) WHERE segment_id = 'OBX';
	r := jsonb_build_object(
		'text', m::text,
		'MSH-9', hl7_raw(m, 'MSH-9'),
		'MSH-10', hl7_raw(m, 'MSH-10'),
		'PID-3', hl7_raw(m, 'PID-3'),
		'PID-5', hl7_raw(m, 'PID-5'),
		'PID-7', hl7_raw(m, 'PID-7'),
		'PID-8', hl7_raw(m, 'PID-8'),
		'OBX-5', (SELECT coalesce(jsonb_agg(hl7_raw(m, format('OBX(%s)-5', k)) ORDER BY k), '[]')
		          FROM generate_series(1, nobx) k),
		'jsonb_roundtrip', hl7_from_jsonb(hl7_to_jsonb(m)) = m);
	RETURN r;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	RETURN jsonb_build_object('describe_error', st || ': ' || msg);
END $$;

CREATE FUNCTION pg_temp.conf_try(mode text, data bytea) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	m hl7v2;
	msgs jsonb;
	res jsonb;
	st text;
	msg text;
BEGIN
	IF mode = 'single' THEN
		BEGIN
			m := hl7v2(data);
			RETURN jsonb_build_object('messages', jsonb_build_array(pg_temp.conf_describe(m)));
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
			RETURN jsonb_build_object('error', st, 'message', msg, 'messages', '[]'::jsonb);
		END;
	END IF;
	-- batch: strict first; on error, what skip_bad => true returns
	BEGIN
		SELECT coalesce(jsonb_agg(pg_temp.conf_describe(b.m) ORDER BY b.n), '[]')
		  INTO msgs
		  FROM hl7_split_batch(convert_from(data, 'UTF8')) WITH ORDINALITY AS b(m, n);
		RETURN jsonb_build_object('messages', msgs);
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
		res := jsonb_build_object('error', st, 'message', msg);
	END;
	BEGIN
		SELECT coalesce(jsonb_agg(pg_temp.conf_describe(b.m) ORDER BY b.n), '[]')
		  INTO msgs
		  FROM hl7_split_batch(convert_from(data, 'UTF8'), skip_bad => true)
		       WITH ORDINALITY AS b(m, n);
		RETURN res || jsonb_build_object('messages', msgs);
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
		RETURN res || jsonb_build_object('messages', '[]'::jsonb,
			'skip_bad_error', st || ': ' || msg);
	END;
END $$;
