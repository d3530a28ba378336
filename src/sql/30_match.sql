
-- ===========================================================================
-- Patient matching: type patient_identity, Fellegi-Sunter scoring, GIN
-- candidate search, EM training, clustering
-- ===========================================================================

-- ---- building blocks -------------------------------------------------------

CREATE FUNCTION name_normalize(name text) RETURNS text
	AS 'MODULE_PATHNAME', 'match_name_normalize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION name_normalize(text) IS
	'Unicode NFKD, accents dropped, case folded, punctuation, titles and suffixes removed, spaces collapsed';
CREATE FUNCTION name_nysiis(name text) RETURNS text
	AS 'MODULE_PATHNAME', 'match_name_nysiis' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION name_nysiis(text) IS
	'NYSIIS code (Taft 1970, untruncated) of the letters A-Z of a name';
CREATE FUNCTION name_dmetaphone(name text, OUT primary_code text, OUT alternate_code text)
	AS 'MODULE_PATHNAME', 'match_name_dmetaphone' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION name_dmetaphone(text) IS
	'Double Metaphone primary and alternate codes, equal to fuzzystrmatch dmetaphone() and dmetaphone_alt()';
CREATE FUNCTION name_canonical(name text) RETURNS text[]
	AS 'MODULE_PATHNAME', 'match_name_canonical' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION name_canonical(text) IS
	'the formal names a (normalised) name may stand for, from the nickname table; {} when not in it';
CREATE FUNCTION name_is_nickname(a text, b text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'match_name_is_nickname' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION name_is_nickname(text, text) IS
	'true when one name is a nickname of the other, or both are nicknames of one formal name';
CREATE FUNCTION jaro_winkler(a text, b text) RETURNS float8
	AS 'MODULE_PATHNAME', 'match_jaro_winkler' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION jaro_winkler(text, text) IS
	'Jaro-Winkler similarity (Winkler 1990, prefix scale 0.1, boost above 0.7) over code points';
CREATE FUNCTION date_similarity(a date, b date) RETURNS text
	AS 'MODULE_PATHNAME', 'match_date_similarity' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION date_similarity(date, date) IS
	'missing, exact, day_month_swapped, one_digit, year_off_by_one, year_off_by_ten or different';

-- ---- type patient_identity -------------------------------------------------

CREATE TYPE patient_identity;

CREATE FUNCTION patient_identity_in(cstring) RETURNS patient_identity
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION patient_identity_out(patient_identity) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION patient_identity_recv(internal) RETURNS patient_identity
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION patient_identity_send(patient_identity) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE patient_identity (
	INPUT = patient_identity_in,
	OUTPUT = patient_identity_out,
	RECEIVE = patient_identity_recv,
	SEND = patient_identity_send,
	INTERNALLENGTH = VARIABLE,
	STORAGE = extended,
	CATEGORY = 'U'
);
COMMENT ON TYPE patient_identity IS
	'normalised demographics of one person and their match keys';

CREATE FUNCTION patient_identity(
		family text DEFAULT NULL, given text DEFAULT NULL, birth_date date DEFAULT NULL,
		sex text DEFAULT NULL, address text DEFAULT NULL, city text DEFAULT NULL,
		postal_code text DEFAULT NULL, phone text DEFAULT NULL,
		identifiers text[] DEFAULT NULL)
	RETURNS patient_identity
	AS 'MODULE_PATHNAME', 'patient_identity_from_columns' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION patient_identity(text, text, date, text, text, text, text, text, text[]) IS
	'an identity from columns; NULL or empty arguments are missing; identifiers are system|value';
CREATE FUNCTION patient_identity(patient fhir) RETURNS patient_identity
	AS 'MODULE_PATHNAME', 'patient_identity_from_fhir' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION patient_identity(fhir) IS
	'an identity from a FHIR Patient: name[0], birthDate, gender, address[0], the first phone of telecom, every identifier';
CREATE FUNCTION patient_identity(message hl7v2) RETURNS patient_identity
	AS 'MODULE_PATHNAME', 'patient_identity_from_hl7v2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION patient_identity(hl7v2) IS
	'an identity from the first PID segment: PID-5, PID-7, PID-8, PID-11, PID-13, PID-3';
CREATE FUNCTION patient_identity_text(identity patient_identity, with_keys boolean DEFAULT false)
	RETURNS text
	AS 'MODULE_PATHNAME', 'patient_identity_to_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION patient_identity_text(patient_identity, boolean) IS
	'the text form, with the match keys (Double Metaphone, NYSIIS) when with_keys';
CREATE FUNCTION match_blocking_keys(identity patient_identity) RETURNS text[]
	AS 'MODULE_PATHNAME', 'match_blocking_keys' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION match_blocking_keys(patient_identity) IS
	'the blocking keys of an identity (what patient_identity_ops indexes, before hashing)';

-- ---- equality, order, hashing ----------------------------------------------------
--
-- Equal identities have the same normalised fields and so the same stored
-- bytes; the order is field by field (family, given, birth date, sex,
-- postal code, city, address, phone, identifiers), a deterministic total
-- order, so that DISTINCT, GROUP BY, UNIQUE, ORDER BY and hash joins work.
CREATE FUNCTION patient_identity_eq(patient_identity, patient_identity) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION patient_identity_ne(patient_identity, patient_identity) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION patient_identity_lt(patient_identity, patient_identity) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION patient_identity_le(patient_identity, patient_identity) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION patient_identity_gt(patient_identity, patient_identity) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION patient_identity_ge(patient_identity, patient_identity) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION patient_identity_cmp(patient_identity, patient_identity) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION patient_identity_hash(patient_identity) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION patient_identity_hash_extended(patient_identity, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE OPERATOR = (
	LEFTARG = patient_identity, RIGHTARG = patient_identity, FUNCTION = patient_identity_eq,
	COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel,
	HASHES, MERGES
);
CREATE OPERATOR <> (
	LEFTARG = patient_identity, RIGHTARG = patient_identity, FUNCTION = patient_identity_ne,
	COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR < (
	LEFTARG = patient_identity, RIGHTARG = patient_identity, FUNCTION = patient_identity_lt,
	COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR <= (
	LEFTARG = patient_identity, RIGHTARG = patient_identity, FUNCTION = patient_identity_le,
	COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR > (
	LEFTARG = patient_identity, RIGHTARG = patient_identity, FUNCTION = patient_identity_gt,
	COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR >= (
	LEFTARG = patient_identity, RIGHTARG = patient_identity, FUNCTION = patient_identity_ge,
	COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel
);

CREATE OPERATOR CLASS patient_identity_btree_ops
	DEFAULT FOR TYPE patient_identity USING btree AS
		OPERATOR 1 <,
		OPERATOR 2 <=,
		OPERATOR 3 =,
		OPERATOR 4 >=,
		OPERATOR 5 >,
		FUNCTION 1 patient_identity_cmp(patient_identity, patient_identity);

CREATE OPERATOR CLASS patient_identity_hash_ops
	DEFAULT FOR TYPE patient_identity USING hash AS
		OPERATOR 1 =,
		FUNCTION 1 patient_identity_hash(patient_identity),
		FUNCTION 2 patient_identity_hash_extended(patient_identity, bigint);

-- ---- the model and the name frequencies --------------------------------------
--
-- match_model holds the m and u probabilities that override the shipped
-- defaults (an empty table: the defaults), and the prior as the row
-- ('prior', 'match', prior, 1 - prior).  match_train replaces its rows.
-- Both tables start empty so that pg_dump can dump them whole
-- (pg_extension_config_dump) without clashing with rows the extension
-- script would insert.
CREATE TABLE match_model (
	field	text NOT NULL,
	level	text NOT NULL,
	m		float8 NOT NULL CHECK (m > 0 AND m <= 1),
	u		float8 NOT NULL CHECK (u > 0 AND u <= 1),
	PRIMARY KEY (field, level)
);
COMMENT ON TABLE match_model IS
	'patient matching: m and u per field and level overriding the shipped defaults, and the prior (row prior/match)';
SELECT pg_catalog.pg_extension_config_dump('match_model', '');
GRANT SELECT ON match_model TO PUBLIC;

CREATE TABLE match_name_frequency (
	field		text NOT NULL CHECK (field IN ('family', 'given')),
	name		text NOT NULL,
	frequency	float8 NOT NULL CHECK (frequency > 0 AND frequency <= 1),
	PRIMARY KEY (field, name)
);
COMMENT ON TABLE match_name_frequency IS
	'patient matching: share of records having each normalised name (term-frequency adjustment)';
SELECT pg_catalog.pg_extension_config_dump('match_name_frequency', '');
GRANT SELECT ON match_name_frequency TO PUBLIC;

CREATE FUNCTION match_model_current(
		OUT field text, OUT level text, OUT m float8, OUT u float8, OUT weight float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'match_model_current' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION match_model_current() IS
	'the model in force: shipped defaults overridden by match_model; weight = log2(m / u)';

-- ---- scores ---------------------------------------------------------------

CREATE FUNCTION match_score(a patient_identity, b patient_identity) RETURNS float8
	AS 'MODULE_PATHNAME', 'match_score' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION match_score(patient_identity, patient_identity) IS
	'Fellegi-Sunter match weight: sum over fields of log2(m / u) of the comparison level';
CREATE FUNCTION match_probability(a patient_identity, b patient_identity) RETURNS float8
	AS 'MODULE_PATHNAME', 'match_probability' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION match_probability(patient_identity, patient_identity) IS
	'probability that the two identities are one person, from the match weight and the prior';
CREATE FUNCTION match_explain(a patient_identity, b patient_identity) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'match_explain' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION match_explain(patient_identity, patient_identity) IS
	'score, prior and probability, and per field the level, m, u and weight';

CREATE FUNCTION match(a patient_identity, b patient_identity) RETURNS boolean
	AS 'MODULE_PATHNAME', 'match_op' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION match(patient_identity, patient_identity) IS
	'a % b: a shared blocking key and a match probability >= pg_clinical.match_threshold';
CREATE FUNCTION match(a patient_identity, b patient_identity, threshold float8) RETURNS boolean
	AS 'MODULE_PATHNAME', 'match_with_threshold' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION match(patient_identity, patient_identity, float8) IS
	'a shared blocking key and a match probability >= threshold';

CREATE OPERATOR % (
	LEFTARG = patient_identity, RIGHTARG = patient_identity, FUNCTION = match,
	COMMUTATOR = %, RESTRICT = contsel, JOIN = contjoinsel
);

-- ---- GIN operator class: candidate search by blocking keys ---------------------

CREATE FUNCTION patient_identity_gin_extract_value(patient_identity, internal, internal)
	RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION patient_identity_gin_extract_query(patient_identity, internal, int2,
		internal, internal, internal, internal)
	RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION patient_identity_gin_consistent(internal, int2, patient_identity, int4,
		internal, internal, internal, internal)
	RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION patient_identity_gin_triconsistent(internal, int2, patient_identity, int4,
		internal, internal, internal)
	RETURNS "char"
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR CLASS patient_identity_ops
	DEFAULT FOR TYPE patient_identity USING gin AS
	OPERATOR 1 % (patient_identity, patient_identity),
	FUNCTION 1 btint4cmp(int4, int4),
	FUNCTION 2 patient_identity_gin_extract_value(patient_identity, internal, internal),
	FUNCTION 3 patient_identity_gin_extract_query(patient_identity, internal, int2,
		internal, internal, internal, internal),
	FUNCTION 4 patient_identity_gin_consistent(internal, int2, patient_identity, int4,
		internal, internal, internal, internal),
	FUNCTION 6 patient_identity_gin_triconsistent(internal, int2, patient_identity, int4,
		internal, internal, internal),
	STORAGE int4;

-- ---- training and clustering ----------------------------------------------------

CREATE FUNCTION match_train(query text, sample_pairs integer DEFAULT 2000000) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'match_train' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION match_train(text, integer) IS
	'estimates m, u and the prior from the identities the query returns (EM over a sample of at most sample_pairs candidate pairs, no labels) and the name frequencies; stores them in match_model and match_name_frequency';
CREATE FUNCTION match_clusters(query text, threshold float8)
	RETURNS TABLE (id text, cluster_id text)
	AS 'MODULE_PATHNAME', 'match_clusters' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION match_clusters(text, float8) IS
	'links the (id, identity) rows of the query whose match probability >= threshold; cluster_id is the smallest id of each cluster';
