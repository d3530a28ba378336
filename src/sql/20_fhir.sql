
-- ===========================================================================
-- FHIR R4: type fhir (one resource, validated, stored as jsonb)
-- ===========================================================================

CREATE TYPE fhir;

CREATE FUNCTION fhir_in(cstring) RETURNS fhir
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fhir_out(fhir) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fhir_recv(internal) RETURNS fhir
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fhir_send(fhir) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- the same storage as jsonb, so that fhir::jsonb costs nothing
CREATE TYPE fhir (
	INPUT = fhir_in,
	OUTPUT = fhir_out,
	RECEIVE = fhir_recv,
	SEND = fhir_send,
	LIKE = jsonb,
	CATEGORY = 'U'
);
COMMENT ON TYPE fhir IS
	'one FHIR R4 resource, validated on input (pg_clinical.fhir_validation), stored as jsonb';

CREATE FUNCTION fhir(jsonb) RETURNS fhir
	AS 'MODULE_PATHNAME', 'fhir_from_jsonb' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fhir(text) RETURNS fhir
	AS 'MODULE_PATHNAME', 'fhir_from_text' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE CAST (fhir AS jsonb) WITHOUT FUNCTION AS IMPLICIT;
CREATE CAST (jsonb AS fhir) WITH FUNCTION fhir(jsonb) AS ASSIGNMENT;
CREATE CAST (text AS fhir) WITH FUNCTION fhir(text) AS ASSIGNMENT;

CREATE FUNCTION fhir_validate(resource jsonb, level text DEFAULT 'strict',
	OUT severity text, OUT path text, OUT message text)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'fhir_validate_report' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fhir_validate(jsonb, text) IS
	'every FHIR R4 validation issue of a document (no rows: valid at that level)';

CREATE FUNCTION fhir_resource_type(resource fhir) RETURNS text
	AS 'MODULE_PATHNAME', 'fhir_resource_type' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fhir_id(resource fhir) RETURNS text
	AS 'MODULE_PATHNAME', 'fhir_id' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fhir_bundle_entries(bundle fhir) RETURNS SETOF fhir
	AS 'MODULE_PATHNAME', 'fhir_bundle_entries' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	ROWS 20;
COMMENT ON FUNCTION fhir_bundle_entries(fhir) IS
	'the resources of Bundle.entry[].resource, in order';

-- XML
CREATE FUNCTION fhir_from_xml(xml text) RETURNS fhir
	AS 'MODULE_PATHNAME', 'fhir_from_xml' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fhir_from_xml(text) IS
	'a FHIR R4 resource in XML as fhir (validated); never loads DTDs or external entities';
CREATE FUNCTION fhir_to_xml(resource fhir) RETURNS text
	AS 'MODULE_PATHNAME', 'fhir_to_xml' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fhir_to_xml(fhir) IS
	'the resource in FHIR R4 XML, elements in the order of the definitions';
