--
-- Patient matching: equality, order and hashing of patient_identity
-- (btree and hash operator classes): =, <>, <, <=, >, >=, DISTINCT,
-- GROUP BY, UNIQUE, ORDER BY, hash and merge joins
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_clinical;

SELECT amvalidate(oid), opcname FROM pg_opclass
WHERE opcname IN ('patient_identity_btree_ops', 'patient_identity_hash_ops') ORDER BY opcname;

-- equal after normalisation: the same stored value
SELECT patient_identity(family => 'Müller', given => 'Hans', birth_date => '1970-05-03')
	= patient_identity(family => 'MULLER', given => ' hans ', birth_date => '1970-05-03') AS normalised_equal,
	patient_identity(family => 'Muller', given => 'Hans')
	<> patient_identity(family => 'Muller', given => 'Hans', birth_date => '1970-05-03') AS missing_differs,
	patient_identity(identifiers => ARRAY['a|1', 'b|2'])
	= patient_identity(identifiers => ARRAY['b|2', 'a|1', 'a|1']) AS identifier_order_ignored,
	patient_identity() = patient_identity() AS empty_equal;

CREATE TEMP TABLE ids (n int, identity patient_identity);
INSERT INTO ids VALUES
	(1, patient_identity(family => 'Smith', given => 'John', birth_date => '1970-05-03')),
	(2, patient_identity(family => 'SMITH', given => 'John', birth_date => '1970-05-03')),
	(3, patient_identity(family => 'Smith', given => 'John', birth_date => '1969-12-31')),
	(4, patient_identity(family => 'Smith', given => 'Anna')),
	(5, patient_identity(family => 'Adams', given => 'Zoe', postal_code => '4000')),
	(6, patient_identity(family => 'Adams', given => 'Zoe')),
	(7, patient_identity()),
	(8, patient_identity(family => 'Smith', given => 'John', birth_date => '1970-05-03', sex => 'm')),
	(9, patient_identity(family => 'Smith', given => 'John', birth_date => '1970-05-03',
		identifiers => ARRAY['ssn|1'])),
	(10, patient_identity(family => 'Smith', given => 'John', birth_date => '1970-05-03',
		identifiers => ARRAY['ssn|1', 'mrn|7'])),
	(11, NULL);

-- ORDER BY: family, given, birth date (missing first), sex, postal code ...,
-- identifiers; NULL last
SELECT n, identity FROM ids ORDER BY identity, n;
SELECT n, identity FROM ids ORDER BY identity DESC, n;
-- DISTINCT and GROUP BY (sorted and hashed)
SELECT count(DISTINCT identity) AS distinct_identities FROM ids;
SET enable_hashagg = off;
SELECT identity, count(*) FROM ids GROUP BY identity HAVING count(*) > 1;
RESET enable_hashagg;
SET enable_sort = off;
SELECT identity, count(*) FROM ids GROUP BY identity HAVING count(*) > 1;
RESET enable_sort;

-- the order is total and agrees with equality: antisymmetric, and
-- transitive over every triple
SELECT count(*) FILTER (WHERE patient_identity_cmp(a.identity, b.identity)
		<> -patient_identity_cmp(b.identity, a.identity)) AS not_antisymmetric,
	count(*) FILTER (WHERE (patient_identity_cmp(a.identity, b.identity) = 0)
		<> (a.identity = b.identity)) AS cmp_not_equality,
	count(*) FILTER (WHERE (a.identity < b.identity) <> (b.identity > a.identity)
		OR (a.identity <= b.identity) <> NOT (a.identity > b.identity)
		OR (a.identity >= b.identity) <> NOT (a.identity < b.identity)) AS operators_disagree
FROM ids a, ids b WHERE a.identity IS NOT NULL AND b.identity IS NOT NULL;
SELECT count(*) AS not_transitive FROM ids a, ids b, ids c
WHERE a.identity < b.identity AND b.identity < c.identity AND NOT a.identity < c.identity;

-- joins: hash, merge and nested loop find the same pairs
CREATE TEMP TABLE join_plans (plan text, pairs bigint);
SET enable_mergejoin = off;
SET enable_nestloop = off;
INSERT INTO join_plans SELECT 'hash', count(*) FROM ids a JOIN ids b ON a.identity = b.identity;
RESET enable_mergejoin;
SET enable_hashjoin = off;
INSERT INTO join_plans SELECT 'merge', count(*) FROM ids a JOIN ids b ON a.identity = b.identity;
RESET enable_nestloop;
SET enable_mergejoin = off;
INSERT INTO join_plans SELECT 'nestloop', count(*) FROM ids a JOIN ids b ON a.identity = b.identity;
RESET enable_mergejoin;
RESET enable_hashjoin;
SELECT * FROM join_plans ORDER BY plan;
-- hashing: equal values hash equally, seeded hashes differ from unseeded
SELECT patient_identity_hash(patient_identity(family => 'Müller'))
	= patient_identity_hash(patient_identity(family => 'muller')) AS equal_hashes,
	patient_identity_hash_extended(patient_identity(family => 'Muller'), 0)
	<> patient_identity_hash_extended(patient_identity(family => 'Muller'), 1) AS seeded;

-- UNIQUE: a btree index refuses a second equal identity
CREATE TEMP TABLE registry (identity patient_identity UNIQUE);
INSERT INTO registry VALUES (patient_identity(family => 'Smith', given => 'John'));
SELECT regress_error($$INSERT INTO registry VALUES (patient_identity(family => 'SMITH', given => 'john'))$$);
INSERT INTO registry VALUES (patient_identity(family => 'Smith', given => 'Jon'));
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM registry WHERE identity = patient_identity(family => 'Smith', given => 'Jon');
SELECT * FROM registry WHERE identity = patient_identity(family => 'Smith', given => 'Jon');
RESET enable_seqscan;
-- a hash index
CREATE INDEX ids_hash ON ids USING hash (identity);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT n FROM ids WHERE identity = patient_identity(family => 'smith');
SELECT n FROM ids WHERE identity = patient_identity(family => 'smith', given => 'john', birth_date => '1970-05-03') ORDER BY n;
RESET enable_seqscan;
RESET enable_bitmapscan;
