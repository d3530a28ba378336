--
-- hl7v2 functions: segments, JSON form, set, ack, batches, escapes, datetime
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_clinical;
CREATE FUNCTION pg_temp.show(m hl7v2) RETURNS text LANGUAGE sql AS
$$ SELECT replace(m::text, E'\r', '<CR>') $$;

CREATE TEMP TABLE t (m hl7v2);
INSERT INTO t VALUES (E'MSH|^~\\&|REG|HOSP|MPI|HOSP|20260314083000-0500||ADT^A01^ADT_A01|MSG1|P|2.5.1\r'
	'PID|1||111^^^HOSP^MR~222^^^SSA^SS||DOE^JANE||19800101|F\r'
	'NTE|1||a \\F\\ b \\S\\ c \\T\\ d \\R\\ e \\E\\ f \\X41\\ \\.br\\next \\H\\bold\\N\\\r');

-- header fields
SELECT hl7_message_type(m), hl7_control_id(m), hl7_version(m) FROM t;
SELECT hl7_message_type(E'MSH|^~\\&|A||||||ACK|9|P|2.3') AS no_trigger,
	   hl7_version(E'MSH|^~\\&|A||||||ACK|9|P|2.5^USA') AS version_component;

-- segments
SELECT seq, segment_id, fields FROM t, hl7_segments(m);

-- JSON form: documented shape, and hl7_from_jsonb reproduces the message
SELECT jsonb_pretty(hl7_to_jsonb(m)) FROM t;
SELECT hl7_to_jsonb(m) #>> '{segments,1,8}' AS pid8,
	   hl7_to_jsonb(m) #>> '{segments,1,5,0,1}' AS pid5_2
FROM t;
SELECT hl7_from_jsonb(hl7_to_jsonb(m)) = m AS lossless FROM t;
SELECT hl7_from_jsonb(hl7_to_jsonb(m))::text = m::text AS byte_identical FROM t;
SELECT regress_error($q$SELECT hl7_from_jsonb('[1]')$q$);
SELECT regress_error($q$SELECT hl7_from_jsonb('{"delimiters": "|^~\\&"}')$q$);
SELECT regress_error($q$SELECT hl7_from_jsonb('{"delimiters": "|^~\\&", "segments": [["MSH", "|", "^~\\&"], ["PID", 1]]}')$q$);
SELECT regress_error($q$SELECT hl7_from_jsonb('{"delimiters": "|^~\\&", "segments": [["MSH", "|", "^~\\&"], ["PID", "a|b"]]}')$q$);
SELECT regress_error($q$SELECT hl7_from_jsonb('{"delimiters": "||||", "segments": []}')$q$);

-- hl7_set: encode with the message's delimiters, create what is missing
SELECT pg_temp.show(hl7_set(m, 'PID-5.2', 'Anne^Marie')) FROM t;
SELECT hl7_set(m, 'PID-5.2', 'Anne^Marie') ->> 'PID-5.2' AS decoded_back FROM t;
SELECT pg_temp.show(hl7_set(E'MSH|^~\\&|A\rPID|1', 'PID-3(2).4.2', 'x')) AS created;
SELECT pg_temp.show(hl7_set(E'MSH|^~\\&|A\rPID|1', 'ZPI(2)-2', 'z')) AS new_segments;
SELECT pg_temp.show(hl7_set(E'MSH|^~\\&|A\rPID|1|2|3', 'PID-2', NULL)) AS set_null_empties;
SELECT pg_temp.show(hl7_set(E'MSH|^~\\&|A|B', 'MSH-3', 'NEWAPP')) AS msh3;
SELECT regress_error($q$SELECT hl7_set(E'MSH|^~\\&|A', 'MSH-1', '!')$q$);
SELECT regress_error($q$SELECT hl7_set(E'MSH|^~\\&|A', 'MSH-2', '^~')$q$);
SELECT regress_error($q$SELECT hl7_set(E'MSH|^~\\&|A', 'PID', 'x')$q$);

-- hl7_ack: swapped apps/facilities, new control id, MSA-2 = original MSH-10
SELECT a ->> 'MSH-3' AS sending, a ->> 'MSH-4' AS sending_fac,
	   a ->> 'MSH-5' AS receiving, a ->> 'MSH-6' AS receiving_fac,
	   a ->> 'MSH-9' AS type, (a ->> 'MSH-10') ~ '^A[0-9A-F]{16}$' AS new_ctrl,
	   a ->> 'MSH-10' <> m ->> 'MSH-10' AS differs,
	   a ->> 'MSH-11' AS processing, a ->> 'MSH-12' AS version,
	   hl7_datetime(a ->> 'MSH-7') BETWEEN now() - interval '1 minute' AND now() + interval '1 minute' AS recent,
	   a ->> 'MSA-1' AS code, a ->> 'MSA-2' AS acked, a ->> 'MSA-3' AS text
FROM t, LATERAL (SELECT hl7_ack(m, 'AE', 'PID-7 | bad date') AS a) s;
SELECT hl7_ack(m) ->> 'MSA-1' AS default_code, hl7_ack(m) ->> 'MSA-3' IS NULL AS no_text FROM t;
SELECT c, hl7_ack(m, c) ->> 'MSA-1' FROM t, unnest(ARRAY['AA','AE','AR','CA','CE','CR']) c;
SELECT regress_error($q$SELECT hl7_ack(m, 'OK') FROM t$q$);
SELECT (SELECT hl7_ack(m) ->> 'MSH-10' FROM t) <> (SELECT hl7_ack(m) ->> 'MSH-10' FROM t) AS unique_ids;

-- hl7_split_batch: FHS/BHS/BTS/FTS, MLLP frames, blank lines, LF and CRLF
SELECT hl7_control_id(x) FROM hl7_split_batch(
	E'FHS|^~\\&|LAB\nBHS|^~\\&|LAB\nMSH|^~\\&|LAB||||||ORU^R01|B1|P|2.5\nPID|1\n\n'
	'MSH|^~\\&|LAB||||||ORU^R01|B2|P|2.5\r\nPID|2\r\nBTS|2\nFTS|1\n') x;
SELECT hl7_control_id(x) FROM hl7_split_batch(
	E'\x0bMSH|^~\\&|A||||||ADT^A01|M1|P|2.5\rPID|1\r\x1c\r'
	'\x0bMSH|^~\\&|A||||||ADT^A01|M2|P|2.5\rPID|2\r\x1c\r') x;
SELECT count(*) FROM hl7_split_batch('') x;
-- a bad message is reported by its ordinal number ...
SELECT regress_error($q$SELECT count(*) FROM hl7_split_batch(
	E'MSH|^~\\&|A||||||ADT^A01|M1|P|2.5\rPID|1\r'
	'MSH|^~\\&|A||||||ADT^A01|M2|P|2.5\rP!D|2\r'
	'MSH|^~\\&|A||||||ADT^A01|M3|P|2.5\rPID|3\r')$q$);
-- ... and skipped, with a warning, when asked
SET client_min_messages = warning;
SELECT hl7_control_id(x) FROM hl7_split_batch(
	E'MSH|^~\\&|A||||||ADT^A01|M1|P|2.5\rPID|1\r'
	'MSH|^~\\&|A||||||ADT^A01|M2|P|2.5\rP!D|2\r'
	'MSH|^~\\&|A||||||ADT^A01|M3|P|2.5\rPID|3\r', skip_bad => true) x;
SELECT hl7_control_id(x) FROM hl7_split_batch(
	E'garbage line\nMSH|^~\\&|A||||||ADT^A01|M1|P|2.5\nPID|1\n', skip_bad => true) x;

-- escapes
SELECT hl7_escape('a|b^c&d~e\f'), hl7_escape(E'line1\r\nline2\nline3');
SELECT hl7_unescape('a \F\ b \S\ c \T\ d \R\ e \E\ f'),
	   hl7_unescape('\X48656C6C6F\ \XC3A9\ \XE9\'),
	   hl7_unescape('x\.br\y'), hl7_unescape('keep \H\bold\N\ \.in 4\ \Zlocal\'),
	   hl7_unescape('no closing \F');
SELECT hl7_unescape(hl7_escape('round|trip^all&of~them\ok')) AS roundtrip;
SELECT hl7_escape('a!b$c', '!$r?@'), hl7_unescape('a?F?b?S?c', '!$r?@');
SELECT m ->> 'NTE-3' AS decoded FROM t;
SELECT regress_error($q$SELECT hl7_escape('x', '|^')$q$);
SELECT regress_error($q$SELECT hl7_escape('x', '|^^\&')$q$);

-- datetimes of every precision; offsets honoured; none = session TimeZone
SET TimeZone = 'UTC';
SELECT v, hl7_datetime(v)
FROM unnest(ARRAY['2026', '202603', '20260314', '2026031408', '202603140830',
				  '20260314083015', '20260314083015.1', '20260314083015.1234',
				  '20260314083015-0500', '20260314083015.25+0530', '202603140830+0100',
				  '20260314083015^S', ' 20260314 ']) v;
SET TimeZone = 'America/New_York';
SELECT hl7_datetime('20260314083015') AS local_time, hl7_datetime('20260314083015+0000') AS utc;
RESET TimeZone;
SELECT hl7_datetime('') IS NULL AS empty_is_null;
SELECT regress_error($q$SELECT hl7_datetime('20261314')$q$);
SELECT regress_error($q$SELECT hl7_datetime('20260230')$q$);
SELECT regress_error($q$SELECT hl7_datetime('2026031425')$q$);
SELECT regress_error($q$SELECT hl7_datetime('20260314083015+2500')$q$);
SELECT regress_error($q$SELECT hl7_datetime('2026-03-14')$q$);
SELECT regress_error($q$SELECT hl7_datetime('202603141230.5')$q$);
SELECT hl7_datetime('20240229') AS leap_day;
