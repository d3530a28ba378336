--
-- hl7v2: input normalisation, output, casts, binary I/O, equality, hashing
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_clinical;


-- a message with visible terminators, for display
CREATE FUNCTION pg_temp.show(m hl7v2) RETURNS text LANGUAGE sql AS
$$ SELECT replace(replace(m::text, E'\r', '<CR>'), E'\n', '<LF>') $$;

-- CR, LF and CRLF terminators all store as CR, with one final CR
SELECT pg_temp.show(E'MSH|^~\\&|A|B\rPID|1||42'::hl7v2) AS cr;
SELECT pg_temp.show(E'MSH|^~\\&|A|B\nPID|1||42\n'::hl7v2) AS lf;
SELECT pg_temp.show(E'MSH|^~\\&|A|B\r\nPID|1||42\r\n\r\n'::hl7v2) AS crlf_trailing;
-- a UTF-8 byte-order mark is dropped; blank lines are dropped
SELECT pg_temp.show(E'\uFEFFMSH|^~\\&|A|B\n\nPID|1||42'::hl7v2) AS bom_blank;
-- a lone LF that is not followed by a segment start is text (NTE with a newline)
SELECT pg_temp.show(E'MSH|^~\\&|A|B\rNTE|1||first line\nsecond line\rPID|1'::hl7v2) AS lf_in_text;
SELECT hl7_get(E'MSH|^~\\&|A|B\rNTE|1||first line\nsecond line\rPID|1', 'NTE-3') AS nte3;
-- ... but an LF followed by "SEG|" ends the segment even in a CR message
SELECT pg_temp.show(E'MSH|^~\\&|A|B\rPID|1\nPV1|1\r'::hl7v2) AS lf_then_segment;

-- Z-segments and digits in segment ids
SELECT pg_temp.show(E'MSH|^~\\&|A\rZPI|x\rZ01|y'::hl7v2) AS zsegs;

-- non-standard delimiters: field separator '!' and '^', truncation '#'
SELECT hl7_get(E'MSH!$r?@!APP!FAC\rPID!1!!42$$$H!!DOE$JOHN', 'PID-5.2') AS bang_fs;
SELECT hl7_get(E'MSH^~|\\&^APP^FAC\rPID^1^^42^^DOE~JOHN|ROE~JANE', 'PID-5(2).2') AS caret_fs;
SELECT hl7_get(E'MSH|^~\\&#|APP\rPID|1||||DOE^JO\\P\\HN', 'PID-5.2') AS truncation;
SELECT hl7_get(E'MSH|^~\\&#|APP', 'MSH-2') AS msh2_with_truncation;

-- text cast, output, round trip
SELECT (E'MSH|^~\\&|A\rPID|1'::hl7v2)::text = E'MSH|^~\\&|A\rPID|1\r' AS text_cast;
SELECT hl7v2(E'MSH|^~\\&|A\nPID|1') = E'MSH|^~\\&|A\rPID|1'::hl7v2 AS fn_cast;
SELECT (E'MSH|^~\\&|A\rPID|1'::hl7v2)::text::hl7v2 = E'MSH|^~\\&|A\rPID|1'::hl7v2 AS roundtrip;

-- binary send/receive through COPY BINARY
CREATE TEMP TABLE msgs (id int, m hl7v2);
INSERT INTO msgs VALUES
	(1, E'MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.5\rPID|1||42||DOE^JANE||19800101|F'),
	(2, E'MSH|^~\\&|A|B|C|D|20260101||ADT^A01|2|P|2.5\rPID|1||43||DOE^JOHN||19800102|M'),
	(3, E'MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.5\rPID|1||42||DOE^JANE||19800101|F');
COPY msgs TO '/tmp/pg_clinical_hl7v2.bin' WITH (FORMAT binary);
CREATE TEMP TABLE msgs2 (id int, m hl7v2);
COPY msgs2 FROM '/tmp/pg_clinical_hl7v2.bin' WITH (FORMAT binary);
SELECT a.id, a.m = b.m AS same FROM msgs a JOIN msgs2 b USING (id) ORDER BY 1;

-- equality, DISTINCT, GROUP BY, hash join, btree ordering
SELECT count(DISTINCT m) AS distinct_msgs FROM msgs;
SET enable_sort = off;
SELECT m ->> 'MSH-10' AS ctrl, count(*) FROM msgs GROUP BY m ORDER BY 1;
RESET enable_sort;
SET enable_mergejoin = off; SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM msgs a JOIN msgs2 b ON a.m = b.m;
SELECT count(*) AS joined FROM msgs a JOIN msgs2 b ON a.m = b.m;
RESET enable_mergejoin; RESET enable_nestloop;
SELECT id FROM msgs ORDER BY m, id;
CREATE INDEX ON msgs USING hash (m);
CREATE INDEX ON msgs (m);
SELECT (E'MSH|^~\\&|A'::hl7v2) <> (E'MSH|^~\\&|B'::hl7v2) AS ne,
	   (E'MSH|^~\\&|A'::hl7v2) < (E'MSH|^~\\&|B'::hl7v2) AS lt;

-- character sets: text input is already UTF-8; MSH-18 must be one we know
SELECT hl7_get(E'MSH|^~\\&|A||||||ADT^A01|1|P|2.5||||||8859/1\rPID|1||||Müller', 'PID-5') AS latin1_decl;
SELECT regress_error($q$SELECT E'MSH|^~\\&|A||||||ADT^A01|1|P|2.5||||||ISO IR87\rPID|1'::hl7v2$q$);
-- bytea input is converted from the declared character set
SELECT hl7_get(hl7v2(convert_to(E'MSH|^~\\&|A||||||ADT^A01|1|P|2.5||||||8859/1\rPID|1||||Müller^Zoë', 'LATIN1')), 'PID-5') AS from_latin1;
SELECT hl7_get(hl7v2(convert_to(E'MSH|^~\\&|A||||||ADT^A01|1|P|2.5||||||Windows-1252\rNTE|1||price €5 – “quoted”', 'WIN1252')), 'NTE-3') AS from_win1252;
SELECT hl7_get(hl7v2(convert_to(E'MSH|^~\\&|A||||||ADT^A01|1|P|2.5||||||UNICODE UTF-8\rPID|1||||Ñandú', 'UTF8')), 'PID-5') AS from_utf8;
SELECT hl7_get(hl7v2(convert_to(E'MSH|^~\\&|A||||||ADT^A01|1|P|2.3||||||ASCII\rPID|1||||DOE', 'UTF8')), 'PID-5') AS from_ascii;
-- invalid UTF-8 is never stored
SELECT regress_error($q$SELECT hl7v2('\x4d53487c5e7e5c267c410d5049447c317c7cff'::bytea)$q$);
SELECT regress_error($q$SELECT hl7v2('\x4d53487c5e7e5c267c410d5049447c317c7c00'::bytea)$q$);
