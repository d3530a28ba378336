--
-- Patient matching over a table: GIN operator class patient_identity_ops
-- (amvalidate, EXPLAIN, the index returns what a sequential scan returns),
-- match_train (EM without labels) and match_clusters (deterministic)
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_clinical;
DELETE FROM match_model;
DELETE FROM match_name_frequency;

-- 400 people and a corrupted copy of every third one; the copy's kind of
-- corruption cycles through: surname typo, given initial only, day and
-- month swapped, postcode missing and SSN one digit off, names swapped
CREATE TEMP TABLE people AS
SELECT g AS person,
	(ARRAY['smith', 'johnson', 'williams', 'brown', 'jones', 'garcia', 'miller', 'davis',
		'rodriguez', 'martinez', 'hernandez', 'lopez', 'gonzalez', 'wilson', 'anderson',
		'thomas', 'taylor', 'moore', 'jackson', 'martin', 'lee', 'perez', 'thompson',
		'white', 'harris', 'sanchez', 'clark', 'ramirez', 'lewis', 'robinson'])[1 + (g * 7) % 30] AS family,
	(ARRAY['james', 'mary', 'robert', 'patricia', 'john', 'jennifer', 'michael', 'linda',
		'david', 'elizabeth', 'william', 'barbara', 'richard', 'susan', 'joseph', 'jessica',
		'thomas', 'sarah', 'charles', 'karen'])[1 + (g * 13) % 20] AS given,
	date '1940-01-01' + (g * 7919) % 20000 AS dob,
	(1000 + (g * 31) % 9000)::text AS postcode,
	(1 + g * 17 % 200)::text || ' ' || (ARRAY['high st', 'main rd', 'park ave', 'church lane'])[1 + g % 4] AS address,
	(100000000 + g * 7777)::text AS ssn
FROM generate_series(1, 400) g;
CREATE TABLE match_people (id text PRIMARY KEY, person int, identity patient_identity);
INSERT INTO match_people
SELECT 'p' || lpad(person::text, 3, '0') || '-a', person,
	patient_identity(family, given, dob, NULL, address, NULL, postcode, NULL, ARRAY['ssn|' || ssn])
FROM people;
INSERT INTO match_people
SELECT 'p' || lpad(person::text, 3, '0') || '-b', person,
	CASE (person / 3) % 5
	WHEN 0 THEN patient_identity(overlay(family placing reverse(substr(family, 2, 2)) from 2 for 2),
		given, dob, NULL, address, NULL, postcode, NULL, ARRAY['ssn|' || ssn])
	WHEN 1 THEN patient_identity(family, left(given, 1), dob, NULL, address, NULL, postcode, NULL, ARRAY['ssn|' || ssn])
	WHEN 2 THEN patient_identity(family, given,
		CASE WHEN extract(day FROM dob) <= 12 THEN make_date(extract(year FROM dob)::int,
			extract(day FROM dob)::int, extract(month FROM dob)::int) ELSE dob + 1 END,
		NULL, address, NULL, postcode, NULL, ARRAY['ssn|' || ssn])
	WHEN 3 THEN patient_identity(family, given, dob, NULL, address, NULL, NULL, NULL,
		ARRAY['ssn|' || left(ssn, 8) || ((right(ssn, 1)::int + 1) % 10)::text])
	ELSE patient_identity(given, family, dob, NULL, address, NULL, postcode, NULL, ARRAY['ssn|' || ssn])
	END
FROM people WHERE person % 3 = 0;
SELECT count(*) AS records, count(DISTINCT person) AS people FROM match_people;

-- training: EM over the blocked candidate pairs, no labels
SELECT r ->> 'records' AS records, r ->> 'candidate_pairs' AS candidate_pairs,
	r ->> 'random_pairs' AS random_pairs, r ->> 'converged' AS converged,
	(r ->> 'iterations')::int < 100 AS few_iterations,
	round((r ->> 'match_share')::numeric, 2) AS match_share, r -> 'fields_estimated' AS fields,
	r ->> 'family_names' AS family_names, r ->> 'given_names' AS given_names
FROM (SELECT match_train('SELECT id, identity FROM match_people') AS r) t;
-- the trained model: agreement weighs for, disagreement against
SELECT field, count(*) AS levels,
	bool_and(weight > 0) FILTER (WHERE level = 'exact') AS exact_for,
	bool_and(weight < 0) FILTER (WHERE level = 'different') AS different_against
FROM match_model_current() WHERE field <> 'prior' GROUP BY field ORDER BY field;
SELECT count(*) AS model_rows FROM match_model;
SELECT field, name, round(frequency::numeric, 4) AS frequency FROM match_name_frequency
WHERE name IN ('smith', 'mary') ORDER BY field;
-- training is reproducible, whatever the order of the rows
CREATE TEMP TABLE model1 AS SELECT * FROM match_model;
SELECT match_train('SELECT identity FROM match_people ORDER BY id DESC') IS NOT NULL AS trained_again;
SELECT count(*) AS differing_rows FROM (
	(SELECT * FROM model1 EXCEPT SELECT * FROM match_model)
	UNION ALL (SELECT * FROM match_model EXCEPT SELECT * FROM model1)) d;

-- clusters at the default threshold, compared with the truth
CREATE TEMP TABLE clusters AS
SELECT * FROM match_clusters('SELECT id, identity FROM match_people', 0.9);
WITH t AS (SELECT c.*, p.person FROM clusters c JOIN match_people p USING (id))
SELECT count(*) FILTER (WHERE a.person = b.person) AS true_pos,
	count(*) FILTER (WHERE a.person <> b.person) AS false_pos,
	(SELECT count(*) FROM match_people WHERE id LIKE '%-b')
		- count(*) FILTER (WHERE a.person = b.person) AS false_neg
FROM t a JOIN t b ON a.cluster_id = b.cluster_id AND a.id < b.id;
SELECT * FROM clusters WHERE id IN ('p003-a', 'p003-b', 'p004-a', 'p006-a', 'p006-b') ORDER BY id;
-- deterministic: the row order of the query does not matter
SELECT count(*) AS differing FROM clusters c
JOIN match_clusters('SELECT id, identity FROM match_people ORDER BY id DESC', 0.9) d USING (id)
WHERE c.cluster_id <> d.cluster_id;
-- fewer clusters at lower thresholds
SELECT t, count(DISTINCT cluster_id) AS clusters, count(*) AS records
FROM unnest(ARRAY[0, 0.9, 1]) t, match_clusters('SELECT id, identity FROM match_people', t)
GROUP BY t ORDER BY t;
-- ids of any type, rows with the same id are one record, a NULL identity is a cluster of its own
SELECT * FROM match_clusters($$
	SELECT * FROM (VALUES (3, patient_identity('Smith', 'John', '1970-01-01')),
		(1, patient_identity('Smyth', 'John', '1970-01-01')),
		(2, NULL), (7, patient_identity('Doe', 'Jane')), (7, patient_identity('Other', 'Ann')),
		(10, patient_identity('Smith', 'John', '1970-01-01', postal_code => '4000'))) v(id, i)$$, 0.5) ORDER BY id;
SELECT * FROM match_clusters('SELECT 1, patient_identity() WHERE false', 0.5);

-- errors
SELECT regress_error($$SELECT match_train('SELECT 1 AS id')$$);
SELECT regress_error($$SELECT match_train('SELEKT 1')$$);
SELECT regress_error($$SELECT match_train('DELETE FROM match_people WHERE false')$$);
SELECT regress_error($$SELECT match_train('SELECT identity FROM match_people LIMIT 1')$$);
SELECT regress_error($$SELECT match_train('SELECT patient_identity(family => ''a'' || g) FROM generate_series(1, 3) g')$$);
SELECT regress_error($$SELECT * FROM match_clusters('SELECT identity FROM match_people', 0.5)$$);
SELECT regress_error($$SELECT * FROM match_clusters('SELECT id, person, identity FROM match_people', 0.5)$$);
SELECT regress_error($$SELECT * FROM match_clusters('SELECT NULL::text, identity FROM match_people', 0.5)$$);
SELECT regress_error($$SELECT * FROM match_clusters('SELECT id, identity FROM match_people', 2)$$);
SELECT regress_error($$SELECT * FROM match_clusters('SELECT id, identity FROM match_people', -0.5)$$);

-- the GIN operator class
SELECT amvalidate(oid) FROM pg_opclass WHERE opcname = 'patient_identity_ops';
CREATE INDEX match_people_identity ON match_people USING gin (identity);
ANALYZE match_people;
SET enable_seqscan = off;
PREPARE lookup(patient_identity) AS SELECT id FROM match_people WHERE identity % $1 ORDER BY id;
EXPLAIN (COSTS OFF) EXECUTE lookup(patient_identity('Smith', 'John', '1970-01-01'));
-- incremental matching: a new record finds its existing matches
SELECT x.person, p.id FROM people x JOIN match_people p
	ON p.identity % patient_identity(x.given, x.family, x.dob, NULL, x.address, NULL, x.postcode)
WHERE x.person = 7 ORDER BY p.id;
SELECT x.person, p.id FROM people x JOIN match_people p
	ON p.identity % patient_identity(x.family, x.given, x.dob + 10)
WHERE x.person = 9 ORDER BY p.id;
EXECUTE lookup(patient_identity(family => 'Nobody', given => 'Atall', birth_date => '1901-01-01'));
EXECUTE lookup(patient_identity());
-- the index returns exactly what a sequential scan returns
CREATE TEMP TABLE via_index AS
SELECT q.id AS q, p.id FROM match_people q JOIN match_people p ON p.identity % q.identity
WHERE q.person % 10 = 0;
RESET enable_seqscan;
SET enable_bitmapscan = off;
SET enable_indexscan = off;
CREATE TEMP TABLE via_scan AS
SELECT q.id AS q, p.id FROM match_people q JOIN match_people p ON p.identity % q.identity
WHERE q.person % 10 = 0;
RESET enable_bitmapscan;
RESET enable_indexscan;
SELECT (SELECT count(*) FROM via_index) AS index_rows,
	(SELECT count(*) FROM (SELECT * FROM via_index EXCEPT SELECT * FROM via_scan) x) AS only_index,
	(SELECT count(*) FROM (SELECT * FROM via_scan EXCEPT SELECT * FROM via_index) x) AS only_scan;
-- identifiers one substitution or one adjacent transposition apart are
-- found through the index (it stores the deletions without their position
-- and no transposition keys) exactly as by a sequential scan
SET pg_clinical.match_threshold = 0;
CREATE TEMP TABLE near_ssn (probe text, ssn text);
INSERT INTO near_ssn VALUES ('exact', 'ssn|100015554'), ('substitution', 'ssn|100015555'),
	('transposition', 'ssn|100051554'), ('two edits', 'ssn|000155541'), ('other', 'ssn|999999999');
SET enable_seqscan = off;
CREATE TEMP TABLE near_index AS SELECT n.probe, p.id FROM near_ssn n JOIN match_people p
	ON p.identity % patient_identity(family => 'Nobody', identifiers => ARRAY[n.ssn]);
RESET enable_seqscan;
SET enable_bitmapscan = off;
SET enable_indexscan = off;
CREATE TEMP TABLE near_scan AS SELECT n.probe, p.id FROM near_ssn n JOIN match_people p
	ON p.identity % patient_identity(family => 'Nobody', identifiers => ARRAY[n.ssn]);
RESET enable_bitmapscan;
RESET enable_indexscan;
RESET pg_clinical.match_threshold;
SELECT * FROM near_index ORDER BY probe, id;
SELECT (SELECT count(*) FROM (SELECT * FROM near_index EXCEPT SELECT * FROM near_scan) x) AS only_index,
	(SELECT count(*) FROM (SELECT * FROM near_scan EXCEPT SELECT * FROM near_index) x) AS only_scan;
-- the function form with a threshold argument uses the same recheck
SELECT count(*) AS pairs_at_half FROM match_people q JOIN match_people p
	ON match(p.identity, q.identity, 0.5) AND p.id < q.id;

-- EM over a sample of the candidate pairs: the report says how many were
-- used; the sample is reproducible too; sample_pairs must be positive
SELECT (r ->> 'sampled_pairs')::int AS sampled_pairs,
	(r ->> 'candidate_pairs')::int > 500 AS more_candidates, r ->> 'converged' AS converged
FROM (SELECT match_train('SELECT id, identity FROM match_people', sample_pairs => 500) AS r) t;
CREATE TEMP TABLE model_sampled AS SELECT * FROM match_model;
SELECT match_train('SELECT identity FROM match_people ORDER BY id DESC', 500) IS NOT NULL AS trained_again;
SELECT count(*) AS differing_rows FROM (
	(SELECT * FROM model_sampled EXCEPT SELECT * FROM match_model)
	UNION ALL (SELECT * FROM match_model EXCEPT SELECT * FROM model_sampled)) d;
-- a pair that agrees on every field is a match under the sampled model too
SELECT match_probability(identity, identity) > 0.99 AS self_match FROM match_people WHERE id = 'p001-a';
SELECT regress_error($$SELECT match_train('SELECT identity FROM match_people', 0)$$);
SELECT (match_train('SELECT identity FROM match_people') ->> 'sampled_pairs')::int
	= (match_train('SELECT identity FROM match_people') ->> 'candidate_pairs')::int AS all_pairs_by_default;

-- keys shared by more than pg_clinical.match_max_block records are skipped
SET pg_clinical.match_max_block = 5;
SELECT (r ->> 'skipped_common_keys')::int > 0 AS skipped,
	(r ->> 'candidate_pairs')::int < 3366 AS fewer_pairs
FROM (SELECT match_train('SELECT id, identity FROM match_people') AS r) t;
RESET pg_clinical.match_max_block;
SELECT regress_error($$SET pg_clinical.match_max_block = 1$$);

DROP TABLE match_people;
DELETE FROM match_model;
DELETE FROM match_name_frequency;
