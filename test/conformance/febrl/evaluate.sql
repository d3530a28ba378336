-- Trains on febrl (no labels), clusters at :threshold and prints one
-- tab-separated line:
--   records true_pairs candidate_pairs blocking_recall handwritten_pairs
--   em_iterations em_converged match_share tp fp fn precision recall f1
-- Truth (used only here, after training and clustering): same entity N of
-- rec-N-org / rec-N-dup-K.
\pset format unaligned
\pset tuples_only on
\pset fieldsep '\t'
DELETE FROM match_model;
DELETE FROM match_name_frequency;
CREATE TEMP TABLE report AS SELECT match_train('SELECT id, identity FROM febrl') AS r;
CREATE TEMP TABLE clusters AS
	SELECT * FROM match_clusters('SELECT id, identity FROM febrl', :threshold);
CREATE TEMP TABLE truth AS
	SELECT a.id AS a, b.id AS b, a.identity AS ia, b.identity AS ib
	FROM febrl a JOIN febrl b ON a.entity = b.entity AND a.id < b.id;
-- the blocking a DBA writes by hand with fuzzystrmatch: dmetaphone of the
-- surname, soundex of the surname with the postcode, the birth date, the SSN
CREATE TEMP TABLE hand_keys AS
	SELECT DISTINCT id, k FROM febrl, LATERAL (VALUES
		('d:' || dmetaphone(family)), ('s:' || soundex(family) || postcode),
		('b:' || nullif(dob, '')), ('i:' || nullif(ssn, ''))) v(k)
	WHERE k IS NOT NULL AND k <> 'd:';
WITH t AS (SELECT c.id, f.entity, c.cluster_id FROM clusters c JOIN febrl f USING (id)),
	pp AS (SELECT count(*) FILTER (WHERE a.entity = b.entity) AS tp,
				  count(*) FILTER (WHERE a.entity <> b.entity) AS fp
		   FROM t a JOIN t b ON a.cluster_id = b.cluster_id AND a.id < b.id),
	tr AS (SELECT count(*) AS n, count(*) FILTER (WHERE match(ia, ib, 0)) AS blocked FROM truth),
	hp AS (SELECT count(*) AS n FROM (SELECT DISTINCT a.id, b.id FROM hand_keys a
			JOIN hand_keys b ON a.k = b.k AND a.id < b.id) x),
	m AS (SELECT tp, fp, tr.n - tp AS fn, tr.n AS tn, tr.blocked FROM pp, tr)
SELECT (SELECT count(*) FROM febrl), m.tn, (r->>'candidate_pairs'), round(m.blocked::numeric / m.tn, 4),
	hp.n, r->>'iterations', r->>'converged', round((r->>'match_share')::numeric, 4),
	m.tp, m.fp, m.fn,
	round(m.tp::numeric / nullif(m.tp + m.fp, 0), 4),
	round(m.tp::numeric / m.tn, 4),
	round(2 * m.tp::numeric / nullif(2 * m.tp + m.fp + m.fn, 0), 4)
FROM m, hp, report;
