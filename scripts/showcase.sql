-- The showcase run by `make demo`: what each capability does on the samples
-- of test/data/ (loaded into schema clinical_demo by test/data/load.sql).
\pset footer off
\echo
\echo '#### pg_clinical'
SELECT pg_clinical_version() AS version;

\echo
\echo '#### HL7 v2: messages split from the sample files (hl7_split_batch)'
SELECT id, file, hl7_message_type(msg) AS type, hl7_control_id(msg) AS control_id,
	   hl7_version(msg) AS version
FROM clinical_demo.hl7_messages ORDER BY id;

\echo
\echo '#### HL7 v2: path access (msg ->> path, 1-based, escapes decoded)'
SELECT id, msg ->> 'PID-3.1' AS mrn, msg ->> 'PID-5.1' AS family,
	   msg ->> 'PID-5.2' AS given, msg ->> 'PID-8' AS sex,
	   hl7_datetime(msg ->> 'MSH-7') AS sent
FROM clinical_demo.hl7_messages ORDER BY id;

\echo
\echo '#### HL7 v2: every OBX-5 with its code (hl7_get_all) and an escaped NTE'
SELECT id, hl7_get_all(msg, 'OBX-3.1') AS loinc, hl7_get_all(msg, 'OBX-5') AS results
FROM clinical_demo.hl7_messages WHERE hl7_message_type(msg) = 'ORU^R01' ORDER BY id;
SELECT hl7_raw(msg, 'NTE-3') AS encoded, msg ->> 'NTE-3' AS decoded
FROM clinical_demo.hl7_messages WHERE msg ->> 'NTE-3' IS NOT NULL;

\echo
\echo '#### HL7 v2: the segments of the ADT^A01, Z-segment included (hl7_segments)'
SELECT seq, segment_id, array_length(fields, 1) AS fields, fields[1:4] AS first_fields
FROM clinical_demo.hl7_messages, hl7_segments(msg)
WHERE hl7_message_type(msg) = 'ADT^A01';

\echo
\echo '#### HL7 v2: an acknowledgement (hl7_ack) and an edit (hl7_set)'
SELECT replace(hl7_ack(msg, 'AA')::text, E'\r', E'\n') AS ack
FROM clinical_demo.hl7_messages WHERE hl7_control_id(msg) = 'MSG00001';
SELECT hl7_set(msg, 'PID-5.2', 'Åsa Maria') ->> 'PID-5' AS edited_name
FROM clinical_demo.hl7_messages WHERE hl7_control_id(msg) = 'MSG00001';

\echo
\echo '#### HL7 v2: the lossless JSON form (hl7_to_jsonb), queried with #>>'
SELECT hl7_to_jsonb(msg) #>> '{segments,2,5}' AS pid5_as_json,
	   hl7_from_jsonb(hl7_to_jsonb(msg)) = msg AS round_trips
FROM clinical_demo.hl7_messages WHERE hl7_control_id(msg) = 'MSG00417';

\echo
\echo '#### FHIR R4: resources stored as validated jsonb (type fhir)'
SELECT id, file, fhir_resource_type(r) AS type, fhir_id(r) AS id_in_resource,
	   r #>> '{name,0,family}' AS family, r #>> '{valueQuantity,value}' AS value
FROM clinical_demo.resources ORDER BY id;

\echo
\echo '#### FHIR R4: what strict validation says of the legacy resource (fhir_validate)'
SELECT v.* FROM clinical_demo.resources, fhir_validate(r) v WHERE file = 'legacy_broken.json';
\echo 'and what the fhir type says when the same document is typed in:'
\set ON_ERROR_STOP 0
\set VERBOSITY default
SELECT '{"resourceType": "Observation", "statuss": "final"}'::fhir;
\set ON_ERROR_STOP 1

\echo
\echo '#### FHIR R4: XML out (fhir_to_xml), elements in the order of the R4 definitions'
SELECT fhir_to_xml(r) AS xml FROM clinical_demo.resources WHERE file = 'patient_lindqvist.json';

\echo
\echo '#### Patient matching: the HL7 v2 PID of the ADT^A01 against the FHIR Patient'
SELECT patient_identity(msg) AS from_hl7
FROM clinical_demo.hl7_messages WHERE hl7_control_id(msg) = 'MSG00001';
SELECT round(match_probability(patient_identity(m.msg), patient_identity(f.r))::numeric, 6) AS probability,
	   patient_identity(m.msg) % patient_identity(f.r) AS is_match
FROM clinical_demo.hl7_messages m, clinical_demo.resources f
WHERE hl7_control_id(m.msg) = 'MSG00001' AND f.file = 'patient_lindqvist.json';
SELECT key AS field, value ->> 'level' AS level, round((value ->> 'weight')::numeric, 2) AS weight
FROM clinical_demo.hl7_messages m, clinical_demo.resources f,
	 jsonb_each(match_explain(patient_identity(m.msg), patient_identity(f.r)) -> 'fields')
WHERE hl7_control_id(m.msg) = 'MSG00001' AND f.file = 'patient_lindqvist.json';
\echo 'nicknames, phonetic codes, Jaro-Winkler, dates:'
SELECT name_is_nickname('Bill', 'William') AS nickname, (name_dmetaphone('Lindqvist')).*,
	   round(jaro_winkler('MARTHA', 'MARHTA')::numeric, 3) AS jaro_winkler,
	   date_similarity('1978-04-05', '1978-05-04') AS swapped,
	   date_similarity('1978-04-15', '1978-04-16') AS one_digit_off;

\echo
\echo '#### Audit: every change to an audited table in a hash-chained, append-only log'
CREATE TABLE clinical_demo.allergy (id int PRIMARY KEY, patient text, substance text, severity text);
SELECT audit_enable('clinical_demo.allergy');
BEGIN;
SET LOCAL pg_clinical.audit_user = 'dr.okafor@goodhealth.example';
INSERT INTO clinical_demo.allergy VALUES (1, '100234', 'penicillin', 'moderate');
UPDATE clinical_demo.allergy SET severity = 'severe' WHERE id = 1;
COMMIT;
SELECT id, operation, row_key, changed_columns, app_user, current_user_name
FROM clinical_audit.log WHERE table_name = 'allergy' ORDER BY id;
SELECT * FROM audit_verify();
SELECT fhir_resource_type(audit_to_fhir(max(id))) AS as_fhir,
	   audit_to_fhir(max(id)) #>> '{action}' AS action
FROM clinical_audit.log WHERE table_name = 'allergy';
\echo 'the log refuses changes, even from its owner:'
\set ON_ERROR_STOP 0
DELETE FROM clinical_audit.log;
\set ON_ERROR_STOP 1
