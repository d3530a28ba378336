--
-- Patient matching: type patient_identity -- text and binary I/O and the
-- constructors from columns, from a FHIR Patient and from an HL7 v2 PID;
-- bad input (22023 naming the field), missing fields (never an error)
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_clinical;

-- from named columns; every argument defaults to NULL (missing)
SELECT patient_identity(family => 'Müller-Lüdenscheidt', given => 'Hans  Peter',
	birth_date => '1970-05-03', sex => 'M', address => '12 High Street',
	city => 'St. Gallen', postal_code => '40-11 a', phone => '+41 (0)71 555 12 34',
	identifiers => ARRAY['ssn|123-45', ' mrn|9 ', NULL, 'ssn|123-45', 'plain']);
SELECT patient_identity();
SELECT patient_identity('Smith', 'John', '1980-02-29');
SELECT patient_identity(family => '', given => '   ', sex => 'unknown', address => '',
	identifiers => ARRAY[]::text[]) AS all_missing;
SELECT patient_identity(sex => s) FROM (VALUES ('male'), ('F'), ('o'), ('A'), ('u'), ('N')) v(s);
-- names in any script or with combining characters are normalised, never rejected
SELECT patient_identity(family => E'Mu\u0308ller', given => 'Ｊｏｓé'),
	patient_identity(family => 'Ἀλέξανδρος'), patient_identity(family => 'Иванов', given => '王');
-- the match keys
SELECT patient_identity_text(patient_identity('Schmidt', 'Catherine Anne'), true);
SELECT match_blocking_keys(patient_identity('Smith', 'John', '1970-01-01', postal_code => '4011',
	address => '12 high st', phone => '555 123 4567', identifiers => ARRAY['ssn|1234567']));
SELECT match_blocking_keys(patient_identity());

-- text input: the output form read back gives the same value
SELECT '(family=smith, given=john paul, birth_date=1970-05-03, sex=m, postal_code=4011, identifiers=[ssn|123])'::patient_identity;
SELECT '()'::patient_identity;
SELECT '(family=Müller, birth_date=1970-05)'::patient_identity;
SELECT '(identifiers=[a\,b|x\]y])'::patient_identity;
CREATE TEMP TABLE ids (id int, i patient_identity);
INSERT INTO ids VALUES
	(1, patient_identity('Smith', 'John', '1970-01-01', 'm', '12 High St', 'Springfield', '4011', '555-1234567', ARRAY['ssn|1', 'mrn|x,y']))
	, (2, patient_identity()), (3, patient_identity(family => 'Ἀλέξανδρος', birth_date => '0001-01-01'));
SELECT id, i::text::patient_identity::text = i::text AS text_round_trip FROM ids ORDER BY id;
SELECT regress_error($$SELECT 'family=smith'::patient_identity$$);
SELECT regress_error($$SELECT '(family=smith'::patient_identity$$);
SELECT regress_error($$SELECT '(colour=blue)'::patient_identity$$);
SELECT regress_error($$SELECT '(birth_date=1970-02-30)'::patient_identity$$);
SELECT regress_error($$SELECT '(sex=q)'::patient_identity$$);
SELECT regress_error($$SELECT '(family=smith) junk'::patient_identity$$);

-- binary send/receive through COPY BINARY: the bytes are verified on receive
COPY ids TO '/tmp/pg_clinical_match.bin' WITH (FORMAT binary);
CREATE TEMP TABLE ids2 (LIKE ids);
COPY ids2 FROM '/tmp/pg_clinical_match.bin' WITH (FORMAT binary);
SELECT a.id, a.i::text = b.i::text AS binary_round_trip, patient_identity_send(a.i) = patient_identity_send(b.i) AS same_bytes
FROM ids a JOIN ids2 b USING (id) ORDER BY id;
-- a patient_identity's binary form is its bytes, so a bytea column written
-- with COPY BINARY can be read back as one: corrupt bytes are refused
CREATE TEMP TABLE raw (id int, b bytea);
INSERT INTO raw SELECT 1, patient_identity_send(patient_identity('Smith', 'John'));
UPDATE raw SET b = set_byte(b, 14, get_byte(b, 14) # 1);
COPY raw TO '/tmp/pg_clinical_match_bad.bin' WITH (FORMAT binary);
SELECT regress_error($$COPY ids2 FROM '/tmp/pg_clinical_match_bad.bin' WITH (FORMAT binary)$$);
TRUNCATE raw;
INSERT INTO raw VALUES (1, '\x5049'), (2, '\x');
COPY raw TO '/tmp/pg_clinical_match_bad.bin' WITH (FORMAT binary);
SELECT regress_error($$COPY ids2 FROM '/tmp/pg_clinical_match_bad.bin' WITH (FORMAT binary)$$);
-- bad arguments: 22023 naming the field
SELECT regress_error($$SELECT patient_identity(sex => 'yes')$$);
SELECT regress_error($$SELECT patient_identity(birth_date => 'infinity')$$);
SELECT regress_error($$SELECT patient_identity(birth_date => '-infinity')$$);
SELECT regress_error($$SELECT patient_identity(birth_date => '0044-03-15 BC')$$);
SELECT regress_error($$SELECT patient_identity(identifiers => (SELECT array_agg('s|' || g) FROM generate_series(1, 40) g))$$);
SELECT regress_error($$SELECT patient_identity(family => repeat('a', 5000))$$);

-- from a FHIR Patient: name[0], birthDate, gender, address[0], the first
-- phone of telecom, every identifier as system|value
SELECT patient_identity('{"resourceType": "Patient", "id": "p1",
	"name": [{"use": "official", "family": "Doe", "given": ["Jane", "Q."], "prefix": ["Dr"]},
			 {"use": "nickname", "given": ["Janie"]}],
	"birthDate": "1980-01-31", "gender": "female",
	"address": [{"line": ["12 High Street", "Flat 3"], "city": "Springfield", "postalCode": "12345"},
				{"city": "Elsewhere"}],
	"telecom": [{"system": "email", "value": "jane@example.org"},
				{"system": "phone", "value": "+1 555 123 4567"}, {"system": "phone", "value": "999"}],
	"identifier": [{"system": "http://hospital.example/mrn", "value": "MRN-42"},
				   {"value": "no-system"}, {"system": "urn:x"}]}'::fhir);
SELECT patient_identity('{"resourceType": "Patient"}'::fhir) AS empty_patient;
SELECT patient_identity('{"resourceType": "Patient", "birthDate": "1980"}'::fhir) AS year_only,
	patient_identity('{"resourceType": "Patient", "birthDate": "1980-07"}'::fhir) AS year_month,
	patient_identity('{"resourceType": "Patient", "gender": "unknown", "name": [{"text": "Jane Doe"}]}'::fhir) AS unknown;
SELECT regress_error($$SELECT patient_identity('{"resourceType": "Observation", "status": "final", "code": {"text": "x"}}'::fhir)$$);
SET pg_clinical.fhir_validation = 'off';
SELECT regress_error($$SELECT patient_identity('{"resourceType": "Patient", "birthDate": "1980-02-30"}'::fhir)$$);
SELECT regress_error($$SELECT patient_identity('{"resourceType": "Patient", "birthDate": "80-01-01"}'::fhir)$$);
SELECT regress_error($$SELECT patient_identity('{"resourceType": "Patient", "gender": "robot"}'::fhir)$$);
-- wrong shapes (possible without validation) are missing, not errors
SELECT patient_identity('{"resourceType": "Patient", "name": {"family": "Doe"}, "address": "x", "telecom": 5, "identifier": [1, "x"]}'::fhir);
RESET pg_clinical.fhir_validation;

-- from the PID segment of an HL7 v2 message: PID-5 (family, given, middle),
-- PID-7, PID-8, PID-11 (street, other designation, city, postal code),
-- PID-13 (XTN.1, else area code and local number), PID-3 (authority|id)
SELECT patient_identity(E'MSH|^~\\&|LAB|HOSP|EHR|HOSP|20260315101500||ADT^A01|C1|P|2.5.1\r'
	'PID|1||111^^^HOSP^MR~222^^^SSA^SS~333^^^&1.2.3&ISO~444^^^^DL~^^^X||O\\T\\BRIEN&O&BRIEN^JOHN^PAUL^JR^DR~ALIAS^A||197305031230+0100|M|||12 High St^Apt 3^Springfield^IL^12345||^PRN^PH^^^555^1234567~5559999999'::hl7v2);
SELECT patient_identity(E'MSH|^~\\&|A||||||ADT^A04|1|P|2.5\rPID|1||||||||||||'::hl7v2) AS empty_pid;
SELECT patient_identity(E'MSH|^~\\&|A||||||ADT^A04|1|P|2.5\rPID|1||9^^^H||""^JANE||1980|""'::hl7v2) AS explicit_nulls;
SELECT patient_identity(E'MSH|^~\\&|A||||||ADT^A04|1|P|2.5\rEVN|A04\rPID|1||9^^^H||Doe^Jane||198007\rPID|2||8^^^H||Other^Person'::hl7v2) AS first_pid;
SELECT regress_error($$SELECT patient_identity(E'MSH|^~\\&|A||||||ADT^A04|1|P|2.5\rEVN|A04'::hl7v2)$$);
SELECT regress_error($$SELECT patient_identity(E'MSH|^~\\&|A||||||ADT^A04|1|P|2.5\rPID|1||||Doe||19800230'::hl7v2)$$);
SELECT regress_error($$SELECT patient_identity(E'MSH|^~\\&|A||||||ADT^A04|1|P|2.5\rPID|1||||Doe||1980AB'::hl7v2)$$);
SELECT regress_error($$SELECT patient_identity(E'MSH|^~\\&|A||||||ADT^A04|1|P|2.5\rPID|1||||Doe||19800101|Q'::hl7v2)$$);

-- NULL in, NULL out for the one-argument constructors
SELECT patient_identity(NULL::fhir) IS NULL AS fhir_null, patient_identity(NULL::hl7v2) IS NULL AS hl7_null;
