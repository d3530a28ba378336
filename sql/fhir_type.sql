--
-- fhir: one FHIR R4 resource, validated on input, stored as jsonb.
-- One case per validation rule, each asserting the exact error.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_clinical;

-- a valid resource; decimals keep their lexical form; resourceType first
SELECT '{"resourceType": "Observation", "id": "bp1", "status": "final",
  "code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]},
  "valueQuantity": {"value": 120.50, "unit": "mm[Hg]"}}'::fhir;
SELECT ('{"resourceType": "Observation", "status": "final", "code": {"text": "x"},
  "valueQuantity": {"value": 3.141592653589793238462643383279}}'::fhir)
  #>> '{valueQuantity,value}' AS thirty_digits;
SELECT ('{"resourceType":"Patient","id":"p1"}'::fhir)::text AS resource_type_first;

-- fhir::jsonb costs nothing; every jsonb operator works
SELECT pg_typeof('{"resourceType":"Patient"}'::fhir::jsonb),
       ('{"resourceType":"Patient","name":[{"family":"Doe"}]}'::fhir) -> 'name' -> 0 ->> 'family' AS family,
       ('{"resourceType":"Patient","active":true}'::fhir) @> '{"active": true}' AS contains;

-- not an object, missing or unknown resourceType
SELECT regress_error($q$SELECT '[1]'::fhir$q$);
SELECT regress_error($q$SELECT '"Patient"'::fhir$q$);
SELECT regress_error($q$SELECT '{"id": "x"}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Patientt"}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "DomainResource"}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": 7}'::fhir$q$);
-- resourceType need not come first
SELECT fhir_resource_type('{"id": "x", "active": true, "resourceType": "Patient"}'::fhir);
SELECT regress_error($q$SELECT '{"id": "x", "activ": true, "resourceType": "Patient"}'::fhir$q$);
-- malformed JSON
SELECT regress_error($q$SELECT '{"resourceType": "Patient",}'::fhir$q$);
-- duplicate keys (jsonb would keep the last one silently)
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "active": true, "active": false}'::fhir$q$);
-- empty objects, arrays, strings; nulls
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "name": [{}]}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "name": []}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "gender": ""}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "gender": null}'::fhir$q$);
-- null inside a primitive array only when paired with its _element sibling
SELECT fhir_resource_type('{"resourceType": "Patient", "name": [{"given": ["A", null],
  "_given": [null, {"extension": [{"url": "http://example.org/x", "valueString": "y"}]}]}]}'::fhir);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "name": [{"given": ["A", null]}]}'::fhir$q$);
-- unknown elements, at the top and inside data types and backbone elements
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "nickname": "Bo"}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "name": [{"famly": "Doe"}]}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "contact": [{"nme": {"family": "Doe"}}]}'::fhir$q$);
-- extension and modifierExtension everywhere; _element siblings checked
SELECT fhir_resource_type('{"resourceType": "Patient", "name": [{"family": "Doe",
  "extension": [{"url": "http://example.org/e", "valueBoolean": true}]}],
  "_birthDate": {"extension": [{"url": "http://example.org/t", "valueTime": "10:00:00"}]},
  "birthDate": "1980-01-01"}'::fhir);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "_birthDate": {"foo": 1}}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "_name": {"id": "a"}}'::fhir$q$);
-- the wrong JSON kind: array vs single by cardinality, string/number/boolean/object by type
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "name": {"family": "Doe"}}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "birthDate": ["1980-01-01"]}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "active": "true"}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "multipleBirthInteger": "2"}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "gender": 1}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "maritalStatus": "M"}'::fhir$q$);
-- primitives that do not match their R4 definition
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "id": "a b"}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "birthDate": "1980-02-30"}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "effectiveDateTime": "2020-01-01T10:00:00"}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "issued": "2020-01-01"}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "valueTime": "25:00:00"}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "gender": "fe male "}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "multipleBirthInteger": 2.5}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "photo": [{"data": "abc"}]}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "telecom": [{"rank": 0}]}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "implicitRules": "a b"}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "valueInteger": 2147483648}'::fhir$q$);
-- two choices of one choice element
SELECT regress_error($q$SELECT '{"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "valueString": "a", "valueBoolean": true}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "valueAge": {"value": 1}}'::fhir$q$);
-- required elements (strict)
SELECT regress_error($q$SELECT '{"resourceType": "Observation", "code": {"text": "x"}}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "component": [{"valueString": "a"}]}'::fhir$q$);
-- contained resources and Bundle entries are validated recursively
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "contained": [{"resourceType": "Organization", "nam": "X"}]}'::fhir$q$);
SELECT regress_error($q$SELECT '{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Observation", "code": {"text": "x"}}}]}'::fhir$q$);

-- pg_clinical.fhir_validation: structure skips required elements, off checks only resourceType
SET pg_clinical.fhir_validation = 'structure';
SELECT fhir_resource_type('{"resourceType": "Observation", "code": {"text": "x"}}'::fhir);
SELECT regress_error($q$SELECT '{"resourceType": "Observation", "statuss": "final"}'::fhir$q$);
SET pg_clinical.fhir_validation = 'off';
SELECT fhir_resource_type('{"resourceType": "Observation", "statuss": "final"}'::fhir);
SELECT regress_error($q$SELECT '{"resourceType": "Observatio"}'::fhir$q$);
RESET pg_clinical.fhir_validation;
SELECT regress_error($q$SET pg_clinical.fhir_validation = 'lenient'$q$);

-- jsonb -> fhir validates; text -> fhir validates
SELECT fhir('{"resourceType": "Patient"}'::jsonb);
SELECT regress_error($q$SELECT '{"resourceType": "Patient", "x": 1}'::jsonb::fhir$q$);
SELECT regress_error($q$SELECT fhir('{"resourceType": "Patient", "x": 1}'::text)$q$);

-- fhir_validate lists every issue
SELECT * FROM fhir_validate('{"resourceType": "Observation", "statuss": "final",
  "code": {"codin": []}, "valueString": "", "id": "a b"}');
SELECT count(*) AS issues FROM fhir_validate('{"resourceType": "Patient"}');
SELECT * FROM fhir_validate('{"resourceType": "Observation"}', 'structure');
SELECT regress_error($q$SELECT * FROM fhir_validate('{}', 'lenient')$q$);

-- resource type, id, bundle entries
SELECT fhir_resource_type(r), fhir_id(r)
FROM (SELECT '{"resourceType": "Patient", "id": "p1"}'::fhir AS r) s;
SELECT fhir_id('{"resourceType": "Patient"}'::fhir) IS NULL AS no_id;
SELECT fhir_resource_type(e), fhir_id(e)
FROM fhir_bundle_entries('{"resourceType": "Bundle", "type": "collection", "entry": [
  {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient", "id": "a"}},
  {"request": {"method": "DELETE", "url": "Patient/b"}},
  {"resource": {"resourceType": "Observation", "id": "o", "status": "final", "code": {"text": "x"}}}]}') e;
SELECT regress_error($q$SELECT * FROM fhir_bundle_entries('{"resourceType": "Patient"}')$q$);

-- binary send/receive
CREATE TEMP TABLE res (id int, r fhir);
INSERT INTO res VALUES (1, '{"resourceType": "Patient", "id": "p", "birthDate": "1980-01-01"}'),
	(2, '{"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "valueQuantity": {"value": 1.50}}');
COPY res TO '/tmp/pg_clinical_fhir.bin' WITH (FORMAT binary);
CREATE TEMP TABLE res2 (id int, r fhir);
COPY res2 FROM '/tmp/pg_clinical_fhir.bin' WITH (FORMAT binary);
SELECT a.id, a.r::jsonb = b.r::jsonb AS same, b.r FROM res a JOIN res2 b USING (id) ORDER BY 1;
