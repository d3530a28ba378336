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
