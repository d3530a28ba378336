--
-- hl7v2 bad input: every rejection is 22P02 (or 22021 for encodings) naming
-- the segment and byte offset, quoting at most 20 characters of input; large
-- inputs are accepted in linear time.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_clinical;

SELECT regress_error($q$SELECT ''::hl7v2$q$) AS empty;
SELECT regress_error($q$SELECT E'\n\r\n'::hl7v2$q$) AS only_terminators;
SELECT regress_error($q$SELECT 'PID|1||42'::hl7v2$q$) AS no_msh;
SELECT regress_error($q$SELECT 'MSH'::hl7v2$q$) AS msh_only_id;
SELECT regress_error($q$SELECT 'MSH|^~'::hl7v2$q$) AS msh_short;
SELECT regress_error($q$SELECT 'MSH|^^\&|A'::hl7v2$q$) AS duplicate_delims;
SELECT regress_error($q$SELECT 'MSHA^~\&|A'::hl7v2$q$) AS alnum_field_sep;
SELECT regress_error($q$SELECT E'MSH|^~\\&|A\rPID|1\rpv1|x'::hl7v2$q$) AS lowercase_id;
SELECT regress_error($q$SELECT E'MSH|^~\\&|A\rPID|1\rPV|x'::hl7v2$q$) AS short_id;
SELECT regress_error($q$SELECT E'MSH|^~\\&|A\rPID|1\rPATIENT DOE JOHN 19800101 SSN 123-45-6789|x'::hl7v2$q$) AS long_id_no_phi;
SELECT regress_error($q$SELECT hl7v2('\x4d53487c5e7e5c267c410d5049447c00'::bytea)$q$) AS nul_byte;
SELECT regress_error($q$SELECT hl7v2('\x4d53487c5e7e5c267c410d5049447cc328'::bytea)$q$) AS invalid_utf8;

-- large inputs are accepted: a 10 MB message, 100,000 segments, 1 MB OBX-5
SELECT length(m::text) > 10000000 AS ten_mb, m ->> 'OBX(2)-5' = repeat('A', 50) AS lookup
FROM (SELECT (E'MSH|^~\\&|A\r' || repeat('OBX|1|ST|||' || repeat('A', 50) || E'\r', 170000))::hl7v2 AS m) s;
SELECT count(*) AS segments, max(seq)
FROM hl7_segments((E'MSH|^~\\&|A\r' || repeat(E'NTE|1||x\r', 100000))::hl7v2);
SELECT length(m ->> 'OBX-5') AS obx5_len
FROM (SELECT (E'MSH|^~\\&|A\rOBX|1|ED|||^AP^^Base64^' ||
			  repeat('QUJDREVGR0g=', 87382) || E'\r')::hl7v2 AS m) s;
-- ... and an error deep in a big message still names its segment and byte
SELECT regress_error($q$SELECT (E'MSH|^~\\&|A\r' || repeat(E'NTE|1||x\r', 50000) || E'bad!\r')::hl7v2$q$) AS deep_error;
