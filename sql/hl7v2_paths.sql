--
-- hl7v2 paths: hl7_get, ->>, hl7_get_all, hl7_raw
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_clinical;

CREATE TEMP TABLE t (m hl7v2);
INSERT INTO t VALUES (E'MSH|^~\\&|LAB|HOSP|EHR|HOSP|20260315101500||ORU^R01^ORU_R01|CTRL1|P|2.5.1\r'
	'PID|1||111^^^HOSP^MR~222^^^SSA^SS&x&y||DOE^JANE^Q||19800101|F|||1 Main St^^Town\r'
	'OBR|1|||24331-1^Lipid^LN\r'
	'OBX|1|NM|2093-3^Chol^LN||212|mg/dL\r'
	'OBX|2|NM|2571-8^Trig^LN||148|mg/dL\r'
	'OBX|3|ST|18262-6^LDL^LN||high \\T\\ rising|mg/dL\r'
	'NTE|1||""|\r');

-- MSH counting: MSH-1 is the field separator, MSH-2 the encoding characters
SELECT m ->> 'MSH-1' AS msh1, m ->> 'MSH-2' AS msh2, m ->> 'MSH-3' AS msh3,
	   m ->> 'MSH-9' AS msh9, m ->> 'MSH-9.2' AS msh9_2, m ->> 'MSH-9-3' AS msh9_3_dashed
FROM t;
-- fields, components, subcomponents, repetitions (1-based)
SELECT m ->> 'PID-5' AS pid5, m ->> 'PID-5.1' AS pid5_1, m ->> 'PID-5-2' AS pid5_2_dashed,
	   m ->> 'PID-3' AS pid3_first_rep, m ->> 'PID-3(2).1' AS pid3_rep2,
	   m ->> 'PID-3(2).5.2' AS pid3_rep2_sub2, m ->> 'PID-3(2)-5-3' AS dashed_sub
FROM t;
-- segment occurrences
SELECT m ->> 'OBX-5' AS first_obx5, m ->> 'OBX(2)-5' AS obx2_5, m ->> 'OBX(3)-5' AS obx3_decoded,
	   hl7_raw(m, 'OBX(3)-5') AS obx3_raw
FROM t;
-- a whole segment
SELECT hl7_get(m, 'OBR') AS obr, hl7_get(m, 'OBX(2)') AS obx2 FROM t;
-- absent vs empty vs HL7 null ""
SELECT m ->> 'PID-4' IS NULL AS empty_is_null,
	   m ->> 'PID-99' IS NULL AS beyond_is_null,
	   m ->> 'PID-5.9' IS NULL AS comp_beyond_is_null,
	   m ->> 'ZZZ-1' IS NULL AS no_segment_is_null,
	   m ->> 'OBX(9)-5' IS NULL AS no_occurrence_is_null,
	   m ->> 'NTE-3' AS hl7_null_is_empty_string,
	   hl7_raw(m, 'NTE-3') AS raw_null,
	   hl7_raw(m, 'PID-4') AS raw_empty,
	   hl7_raw(m, 'PID-99') IS NULL AS raw_absent
FROM t;
-- every occurrence x every repetition
SELECT hl7_get_all(m, 'OBX-5') AS all_obx5,
	   hl7_get_all(m, 'OBX-3.1') AS all_codes,
	   hl7_get_all(m, 'PID-3.1') AS all_ids,
	   hl7_get_all(m, 'PID-3(2).4') AS rep2_only,
	   hl7_get_all(m, 'OBX(2)-5') AS one_occurrence,
	   hl7_get_all(m, 'ZZZ-1') AS none
FROM t;
-- spaces around a path are ignored
SELECT m ->> '  PID-5.1 ' AS trimmed FROM t;
-- a path column (varying per row) works as well as a constant
SELECT p, m ->> p AS value
FROM t, unnest(ARRAY['MSH-10', 'PID-7', 'PID-8', 'OBX(2)-3.2', 'PID-11.3']) AS p;

-- invalid paths: 22023 naming the offending character
SELECT regress_error($q$SELECT m ->> 'PID-5.x' FROM t$q$);
SELECT regress_error($q$SELECT m ->> 'pid-5' FROM t$q$);
SELECT regress_error($q$SELECT m ->> 'PID-0' FROM t$q$);
SELECT regress_error($q$SELECT m ->> 'PID(0)-5' FROM t$q$);
SELECT regress_error($q$SELECT m ->> 'PID-5.1.2.3' FROM t$q$);
SELECT regress_error($q$SELECT m ->> 'PI-5' FROM t$q$);
SELECT regress_error($q$SELECT m ->> '' FROM t$q$);
SELECT regress_error($q$SELECT m ->> 'PID-3(2' FROM t$q$);
SELECT regress_error($q$SELECT m ->> 'PID-99999999999' FROM t$q$);
