-- pg_clinical: module-level objects

-- complain if the script is sourced in psql rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION pg_clinical" to load this file. \quit

CREATE FUNCTION pg_clinical_version() RETURNS text
	AS 'MODULE_PATHNAME', 'pg_clinical_version'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pg_clinical_version() IS
	'version of the pg_clinical library and the PostgreSQL it was built for';
