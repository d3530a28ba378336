--
-- Patient matching: Fellegi-Sunter scores with the shipped defaults and
-- with rows of match_model, term-frequency adjustment, explanations, the
-- operator % and its GUC, match(a, b, threshold)
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_clinical;
DELETE FROM match_model;
DELETE FROM match_name_frequency;

CREATE TEMP TABLE p (id text PRIMARY KEY, i patient_identity);
INSERT INTO p VALUES
	('base',     patient_identity('Smith', 'John', '1970-03-04', 'm', '12 High St', 'Springfield', '4011', NULL, ARRAY['ssn|123456789'])),
	('same',     patient_identity('SMITH', 'John', '1970-03-04', 'm', '12 high street', 'Springfield', '4011', NULL, ARRAY['ssn|123456789'])),
	('typo',     patient_identity('Smiht', 'Jon', '1970-04-03', 'm', '12 High St', 'Springfeld', '4011', NULL, ARRAY['ssn|123456798'])),
	('nickname', patient_identity('Smith', 'Johnny', '1970-03-04')),
	('swapped',  patient_identity('John', 'Smith', '1970-03-04')),
	('other',    patient_identity('Nguyen', 'Mary', '1985-11-30', 'f', '3 Low Rd', 'Shelbyville', '2600', NULL, ARRAY['ssn|987654321'])),
	('sparse',   patient_identity(family => 'Smith')),
	('empty',    patient_identity());

-- a one-argument call of a type name with a string literal is a cast of
-- the text form (a PostgreSQL rule): name the argument
SELECT regress_error($$SELECT patient_identity('Smith')$$);
SELECT patient_identity(family => 'Smith'), patient_identity('Smith'::text);

-- the model in force: the shipped defaults
SELECT field, level, m, u, round(weight::numeric, 3) AS weight FROM match_model_current();

-- scores and probabilities against 'base'
SELECT p.id, round(match_score(b.i, p.i)::numeric, 3) AS score,
	round(match_probability(b.i, p.i)::numeric, 6) AS probability,
	b.i % p.i AS "%", match(b.i, p.i, 0.5) AS at_half
FROM p, p b WHERE b.id = 'base' ORDER BY score DESC, p.id;
-- symmetric
SELECT count(*) FILTER (WHERE match_score(a.i, b.i) <> match_score(b.i, a.i)) AS asymmetric
FROM p a, p b;

-- explanations: per field the level, m, u and weight; null levels have none
SELECT f.key AS field, f.value ->> 'level' AS level, f.value -> 'm' AS m, f.value -> 'u' AS u,
	round((f.value ->> 'weight')::numeric, 3) AS weight
FROM p a, p b, jsonb_each(match_explain(a.i, b.i) -> 'fields') f
WHERE a.id = 'base' AND b.id = 'typo' ORDER BY f.key;
SELECT b.id, (SELECT string_agg(f.key || '=' || (f.value ->> 'level'), ', ' ORDER BY f.key)
	FROM jsonb_each(match_explain(a.i, b.i) -> 'fields') f) AS levels
FROM p a, p b WHERE a.id = 'base' AND b.id IN ('nickname', 'swapped', 'sparse', 'empty') ORDER BY b.id;
SELECT round((e ->> 'score')::numeric, 6) = round(match_score(a.i, b.i)::numeric, 6) AS score_agrees,
	round((e ->> 'probability')::numeric, 9) = round(match_probability(a.i, b.i)::numeric, 9) AS probability_agrees,
	(e ->> 'prior')::float8 AS prior, round((e ->> 'prior_weight')::numeric, 3) AS prior_weight,
	round((SELECT sum((f.value ->> 'weight')::numeric) FROM jsonb_each(e -> 'fields') f), 6)
		= round((e ->> 'score')::numeric, 6) AS weights_sum_to_score
FROM p a, p b, LATERAL (SELECT match_explain(a.i, b.i) e) x WHERE a.id = 'base' AND b.id = 'typo';

-- the operator uses pg_clinical.match_threshold (default 0.9)
SHOW pg_clinical.match_threshold;
SELECT string_agg(p.id, ', ' ORDER BY p.id) FROM p, p b WHERE b.id = 'base' AND b.i % p.i;
SET pg_clinical.match_threshold = 0.999999;
SELECT string_agg(p.id, ', ' ORDER BY p.id) FROM p, p b WHERE b.id = 'base' AND b.i % p.i;
SET pg_clinical.match_threshold = 0;
-- threshold 0: every pair sharing a blocking key (the candidates), and only those
SELECT string_agg(p.id, ', ' ORDER BY p.id) FROM p, p b WHERE b.id = 'base' AND b.i % p.i;
SELECT string_agg(p.id, ', ' ORDER BY p.id) FROM p, p b WHERE b.id = 'base' AND match(b.i, p.i, 0);
RESET pg_clinical.match_threshold;
SELECT regress_error($$SET pg_clinical.match_threshold = 1.5$$);
SELECT regress_error($$SET pg_clinical.match_threshold = -0.1$$);
SELECT regress_error($$SELECT match(patient_identity(family => 'a'), patient_identity(family => 'a'), 1.01)$$);
SELECT regress_error($$SELECT match(patient_identity(family => 'a'), patient_identity(family => 'a'), 'NaN')$$);
SELECT match(patient_identity('Smith', 'John', '1970-01-01'), patient_identity('Smith', 'John', '1970-01-01'), 1) AS at_one;

-- term frequencies: a common surname weighs less than a rare one
INSERT INTO match_name_frequency VALUES ('family', 'smith', 0.01), ('family', 'zabrowski', 0.00001);
SELECT a, round(match_score(patient_identity(a, 'Ann'), patient_identity(a, 'Ann'))::numeric, 3) AS score,
	match_explain(patient_identity(a, 'Ann'), patient_identity(a, 'Ann')) #> '{fields,family}' AS family
FROM (VALUES ('Smith'), ('Zabrowski'), ('Unlisted')) v(a);
DELETE FROM match_name_frequency;

-- rows of match_model override the defaults; the prior is the row prior/match
INSERT INTO match_model VALUES ('birth_date', 'exact', 0.5, 0.5), ('prior', 'match', 0.5, 0.5);
SELECT field, level, m, u, weight FROM match_model_current()
WHERE (field, level) IN (('birth_date', 'exact'), ('prior', 'match'), ('family', 'exact'));
SELECT round(match_score(patient_identity(birth_date => '1970-01-01'), patient_identity(birth_date => '1970-01-01'))::numeric, 3) AS dob_only_score,
	match_probability(patient_identity(), patient_identity()) AS empty_probability;
DELETE FROM match_model;
-- bad rows are reported when the model is read
INSERT INTO match_model VALUES ('colour', 'exact', 0.5, 0.5);
SELECT regress_error($$SELECT match_score(patient_identity(family => 'a'), patient_identity(family => 'a'))$$);
DELETE FROM match_model;
INSERT INTO match_model VALUES ('family', 'missing', 0.5, 0.5);
SELECT regress_error($$SELECT match_score(patient_identity(family => 'a'), patient_identity(family => 'a'))$$);
DELETE FROM match_model;
INSERT INTO match_model VALUES ('prior', 'match', 1, 0.5);
SELECT regress_error($$SELECT match_probability(patient_identity(family => 'a'), patient_identity(family => 'a'))$$);
DELETE FROM match_model;
SELECT regress_error($$INSERT INTO match_model VALUES ('family', 'exact', 0, 0.5)$$);
SELECT regress_error($$INSERT INTO match_name_frequency VALUES ('city', 'x', 0.5)$$);

-- NULL in, NULL out
SELECT match_score(NULL, patient_identity()), match_probability(patient_identity(), NULL),
	match_explain(NULL, NULL), match(NULL, patient_identity()), patient_identity() % NULL;
