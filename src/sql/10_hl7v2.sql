
-- ===========================================================================
-- HL7 v2: type hl7v2 (one message)
-- ===========================================================================

CREATE TYPE hl7v2;

CREATE FUNCTION hl7v2_in(cstring) RETURNS hl7v2
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION hl7v2_out(hl7v2) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION hl7v2_recv(internal) RETURNS hl7v2
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION hl7v2_send(hl7v2) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE hl7v2 (
	INPUT = hl7v2_in,
	OUTPUT = hl7v2_out,
	RECEIVE = hl7v2_recv,
	SEND = hl7v2_send,
	INTERNALLENGTH = VARIABLE,
	STORAGE = extended,
	CATEGORY = 'U'
);
COMMENT ON TYPE hl7v2 IS
	'one HL7 v2 message, normalised to CR segment terminators, with a segment index';

-- text and bytea conversions
CREATE FUNCTION hl7v2(text) RETURNS hl7v2
	AS 'MODULE_PATHNAME', 'hl7v2_from_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION hl7v2(bytea) RETURNS hl7v2
	AS 'MODULE_PATHNAME', 'hl7v2_from_bytea' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION hl7v2(bytea) IS
	'message bytes in the character set MSH-18 declares (ASCII, UTF-8, ISO-8859-1, Windows-1252), converted to UTF-8';
CREATE FUNCTION text(hl7v2) RETURNS text
	AS 'MODULE_PATHNAME', 'hl7v2_to_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (text AS hl7v2) WITH FUNCTION hl7v2(text) AS ASSIGNMENT;
CREATE CAST (varchar AS hl7v2) WITH FUNCTION hl7v2(text) AS ASSIGNMENT;
CREATE CAST (bytea AS hl7v2) WITH FUNCTION hl7v2(bytea);
CREATE CAST (hl7v2 AS text) WITH FUNCTION text(hl7v2) AS ASSIGNMENT;

-- comparison: bytewise on the normalised text
CREATE FUNCTION hl7v2_eq(hl7v2, hl7v2) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION hl7v2_ne(hl7v2, hl7v2) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION hl7v2_lt(hl7v2, hl7v2) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION hl7v2_le(hl7v2, hl7v2) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION hl7v2_gt(hl7v2, hl7v2) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION hl7v2_ge(hl7v2, hl7v2) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION hl7v2_cmp(hl7v2, hl7v2) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION hl7v2_hash(hl7v2) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION hl7v2_hash_extended(hl7v2, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE OPERATOR = (
	LEFTARG = hl7v2, RIGHTARG = hl7v2, FUNCTION = hl7v2_eq,
	COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel,
	HASHES, MERGES
);
CREATE OPERATOR <> (
	LEFTARG = hl7v2, RIGHTARG = hl7v2, FUNCTION = hl7v2_ne,
	COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR < (
	LEFTARG = hl7v2, RIGHTARG = hl7v2, FUNCTION = hl7v2_lt,
	COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR <= (
	LEFTARG = hl7v2, RIGHTARG = hl7v2, FUNCTION = hl7v2_le,
	COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR > (
	LEFTARG = hl7v2, RIGHTARG = hl7v2, FUNCTION = hl7v2_gt,
	COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR >= (
	LEFTARG = hl7v2, RIGHTARG = hl7v2, FUNCTION = hl7v2_ge,
	COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel
);

CREATE OPERATOR CLASS hl7v2_ops
	DEFAULT FOR TYPE hl7v2 USING btree AS
		OPERATOR 1 <,
		OPERATOR 2 <=,
		OPERATOR 3 =,
		OPERATOR 4 >=,
		OPERATOR 5 >,
		FUNCTION 1 hl7v2_cmp(hl7v2, hl7v2);

CREATE OPERATOR CLASS hl7v2_hash_ops
	DEFAULT FOR TYPE hl7v2 USING hash AS
		OPERATOR 1 =,
		FUNCTION 1 hl7v2_hash(hl7v2),
		FUNCTION 2 hl7v2_hash_extended(hl7v2, bigint);

-- ---------------------------------------------------------------------------
-- path access
-- ---------------------------------------------------------------------------
CREATE FUNCTION hl7_get(msg hl7v2, path text) RETURNS text
	AS 'MODULE_PATHNAME', 'hl7v2_get' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION hl7_get(hl7v2, text) IS
	'first value at an HL7 path (PID-5.1, OBX(2)-5, PID-3(2).1), escapes decoded; NULL when absent or empty';

CREATE OPERATOR ->> (
	LEFTARG = hl7v2, RIGHTARG = text, FUNCTION = hl7_get
);

CREATE FUNCTION hl7_get_all(msg hl7v2, path text) RETURNS text[]
	AS 'MODULE_PATHNAME', 'hl7v2_get_all' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION hl7_get_all(hl7v2, text) IS
	'every value at an HL7 path: every segment occurrence x every repetition';

CREATE FUNCTION hl7_raw(msg hl7v2, path text) RETURNS text
	AS 'MODULE_PATHNAME', 'hl7v2_raw' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION hl7_raw(hl7v2, text) IS
	'first value at an HL7 path as encoded in the message (escapes and delimiters kept)';

CREATE FUNCTION hl7_segments(msg hl7v2,
	OUT seq integer, OUT segment_id text, OUT fields text[])
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'hl7v2_segments' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	ROWS 20;
COMMENT ON FUNCTION hl7_segments(hl7v2) IS
	'the segments of a message in order; fields[n] is field n, encoded (MSH: fields[1] = field separator)';

-- ---------------------------------------------------------------------------
-- JSON form, editing, acknowledgements
-- ---------------------------------------------------------------------------
CREATE FUNCTION hl7_to_jsonb(msg hl7v2) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'hl7v2_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION hl7_to_jsonb(hl7v2) IS
	'lossless tree: {"delimiters": ..., "segments": [[id, field1, ...], ...]}';
CREATE FUNCTION hl7_from_jsonb(doc jsonb) RETURNS hl7v2
	AS 'MODULE_PATHNAME', 'hl7v2_from_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION hl7_from_jsonb(jsonb) IS
	'the message written by hl7_to_jsonb, byte for byte';

CREATE FUNCTION hl7_set(msg hl7v2, path text, value text) RETURNS hl7v2
	AS 'MODULE_PATHNAME', 'hl7v2_set' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION hl7_set(hl7v2, text, text) IS
	'the message with value (escaped with its delimiters) at path; missing segments, fields, components are created';

CREATE FUNCTION hl7_ack(msg hl7v2, code text DEFAULT 'AA', message text DEFAULT NULL)
	RETURNS hl7v2
	AS 'MODULE_PATHNAME', 'hl7v2_ack' LANGUAGE C VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION hl7_ack(hl7v2, text, text) IS
	'an acknowledgement (MSA-1 AA, AE, AR, CA, CE or CR) with a new control id';

CREATE FUNCTION hl7_split_batch(batch text, skip_bad boolean DEFAULT false)
	RETURNS SETOF hl7v2
	AS 'MODULE_PATHNAME', 'hl7v2_split_batch' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	ROWS 100;
COMMENT ON FUNCTION hl7_split_batch(text, boolean) IS
	'the messages of a batch file (FHS/BHS envelopes, MLLP frames, blank lines)';

-- ---------------------------------------------------------------------------
-- escapes, timestamps, header fields
-- ---------------------------------------------------------------------------
CREATE FUNCTION hl7_escape(value text, delimiters text DEFAULT '|^~\&') RETURNS text
	AS 'MODULE_PATHNAME', 'hl7v2_escape_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION hl7_unescape(value text, delimiters text DEFAULT '|^~\&') RETURNS text
	AS 'MODULE_PATHNAME', 'hl7v2_unescape_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION hl7_datetime(value text) RETURNS timestamptz
	AS 'MODULE_PATHNAME', 'hl7v2_datetime' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION hl7_datetime(text) IS
	'an HL7 DTM/TS of any precision; without an offset, read in the session TimeZone';

CREATE FUNCTION hl7_message_type(msg hl7v2) RETURNS text
	AS 'MODULE_PATHNAME', 'hl7v2_message_type' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION hl7_control_id(msg hl7v2) RETURNS text
	AS 'MODULE_PATHNAME', 'hl7v2_control_id' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION hl7_version(msg hl7v2) RETURNS text
	AS 'MODULE_PATHNAME', 'hl7v2_version' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
