SET client_min_messages = warning;
-- Loads the samples of test/data/ into schema clinical_demo.
-- Run from the repository's top folder: psql -f test/data/load.sql
-- (psql reads the files itself, so the server needs no access to them).
DROP SCHEMA IF EXISTS clinical_demo CASCADE;
CREATE SCHEMA clinical_demo;

CREATE TABLE clinical_demo.hl7_files (
	file	text PRIMARY KEY,
	content	text NOT NULL
);

\set f1 `cat test/data/hl7v2/adt_a01.hl7`
\set f2 `cat test/data/hl7v2/oru_r01.hl7`
\set f3 `cat test/data/hl7v2/adt_a08_ascii.hl7`
\set f4 `cat test/data/hl7v2/batch_oru.hl7`
INSERT INTO clinical_demo.hl7_files VALUES
	('adt_a01.hl7', :'f1'),
	('oru_r01.hl7', :'f2'),
	('adt_a08_ascii.hl7', :'f3'),
	('batch_oru.hl7', :'f4');

-- every message of the sample files as an hl7v2 value (batches split)
CREATE TABLE clinical_demo.hl7_messages (
	id		serial PRIMARY KEY,
	file	text NOT NULL,
	msg		hl7v2 NOT NULL
);
INSERT INTO clinical_demo.hl7_messages (file, msg)
SELECT f.file, m
FROM clinical_demo.hl7_files f, hl7_split_batch(f.content) m
ORDER BY f.file;

-- FHIR resources (the broken legacy one is loaded with validation off, as a
-- bulk load of imperfect data would be, and checked afterwards)
CREATE TABLE clinical_demo.resources (
	id		serial PRIMARY KEY,
	file	text NOT NULL,
	r		fhir NOT NULL
);
\set j1 `cat test/data/fhir/patient_lindqvist.json`
\set j2 `cat test/data/fhir/observation_cholesterol.json`
\set j3 `cat test/data/fhir/legacy_broken.json`
\set x1 `cat test/data/fhir/patient_obrien.xml`
INSERT INTO clinical_demo.resources (file, r) VALUES
	('patient_lindqvist.json', :'j1'),
	('observation_cholesterol.json', :'j2'),
	('patient_obrien.xml', fhir_from_xml(:'x1'));
SET pg_clinical.fhir_validation = 'off';
INSERT INTO clinical_demo.resources (file, r) VALUES ('legacy_broken.json', :'j3');
RESET pg_clinical.fhir_validation;
