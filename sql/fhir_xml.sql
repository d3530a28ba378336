--
-- FHIR XML <-> fhir: the R4 XML rules, and no DTD, external entity or
-- entity expansion ever.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_clinical;

-- value attributes; repeating elements become arrays by cardinality (even
-- with one occurrence); numbers and booleans typed by the model
SELECT fhir_from_xml('<Patient xmlns="http://hl7.org/fhir"><id value="p1"/>
  <active value="true"/><name><family value="Doe"/><given value="Jane"/></name>
  <multipleBirthInteger value="2"/></Patient>');
-- decimals keep their lexical form
SELECT fhir_from_xml('<Observation xmlns="http://hl7.org/fhir"><status value="final"/>
  <code><text value="x"/></code><valueQuantity><value value="120.50"/></valueQuantity></Observation>')
  #>> '{valueQuantity,value}' AS value;
-- a primitive's id and extensions go to its _element sibling, aligned with nulls
SELECT fhir_from_xml('<Patient xmlns="http://hl7.org/fhir"><name><given value="A"/>
  <given><extension url="http://example.org/x"><valueString value="y"/></extension></given>
  </name><birthDate id="bd" value="1980-01-01"/></Patient>');
-- the narrative div is kept as a string; contained resources and Bundle entries nest
SELECT fhir_from_xml('<Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/>
  <div xmlns="http://www.w3.org/1999/xhtml"><p>Jane <b>Doe</b></p></div></text>
  <contained><Organization><id value="o1"/><name value="Clinic"/></Organization></contained>
  </Patient>');
SELECT fhir_resource_type(e) FROM fhir_bundle_entries(fhir_from_xml(
  '<Bundle xmlns="http://hl7.org/fhir"><type value="collection"/><entry><resource>
   <Patient><id value="a"/></Patient></resource></entry></Bundle>')) e;

-- output follows the order of the definitions, whatever the JSON key order
SELECT fhir_to_xml('{"resourceType": "Patient", "name": [{"given": ["Jane", "Q"], "family": "Doe"}],
  "active": true, "id": "p1", "birthDate": "1980-01-01", "_birthDate": {"id": "bd"}}');
SELECT fhir_to_xml('{"resourceType": "Observation", "status": "final", "code": {"text": "a < b & \"c\""},
  "valueQuantity": {"value": 1.50}}');
-- round trip
SELECT fhir_from_xml(fhir_to_xml(r))::jsonb = r::jsonb AS round_trip
FROM (SELECT '{"resourceType": "Patient", "id": "p1", "name": [{"given": ["A", null],
  "_given": [null, {"extension": [{"url": "http://example.org/x", "valueString": "y"}]}]}],
  "contained": [{"resourceType": "Organization", "id": "o1"}]}'::fhir AS r) s;

-- the result of fhir_from_xml is validated like any fhir input
SELECT regress_error($q$SELECT fhir_from_xml('<Observation xmlns="http://hl7.org/fhir"><code><text value="x"/></code></Observation>')$q$);
-- bad XML
SELECT regress_error($q$SELECT fhir_from_xml('<Patient xmlns="http://hl7.org/fhir"><active value="true"></Patient>')$q$);
SELECT regress_error($q$SELECT fhir_from_xml('<Patient xmlns="http://example.org"/>')$q$);
SELECT regress_error($q$SELECT fhir_from_xml('<Patient xmlns="http://hl7.org/fhir"><nickname value="Bo"/></Patient>')$q$);
SELECT regress_error($q$SELECT fhir_from_xml('<Patient xmlns="http://hl7.org/fhir"><active value="yes"/></Patient>')$q$);
SELECT regress_error($q$SELECT fhir_from_xml('<Foo xmlns="http://hl7.org/fhir"/>')$q$);
SELECT regress_error($q$SELECT fhir_from_xml('')$q$);
-- XXE: an external entity is never loaded (the DOCTYPE is refused)
SELECT regress_error($q$SELECT fhir_from_xml('<?xml version="1.0"?>
<!DOCTYPE Patient [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Patient xmlns="http://hl7.org/fhir"><id value="&xxe;"/></Patient>')$q$);
SELECT regress_error($q$SELECT fhir_from_xml('<!DOCTYPE Patient SYSTEM "http://example.org/evil.dtd">
<Patient xmlns="http://hl7.org/fhir"/>')$q$);
-- billion laughs: never expanded
SELECT regress_error($q$SELECT fhir_from_xml('<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<Patient xmlns="http://hl7.org/fhir"><id value="&lol4;"/></Patient>')$q$);
