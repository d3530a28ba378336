-- Generates :n identities with realistic errors (psql variables: n, f1 f2 f3 =
-- the FEBRL files whose names are the name pools).  Entities get one
-- record; a fifth of them a second, corrupted record.  Corruptions (one or
-- two per duplicate): surname typo (adjacent letters swapped), given name
-- shortened to its initial or a nickname-like prefix, day and month
-- swapped, one digit of the birth date changed, postcode missing, SSN one
-- digit changed, moved house.  Plus 1000 probes: new corrupted records of
-- existing entities, not in the table.
\set ON_ERROR_STOP 1
SELECT setseed(0.42);
DROP TABLE IF EXISTS bench, bench_probe, pool_raw;
CREATE TABLE pool_raw (rec_id text, given_name text, surname text, street_number text,
	address_1 text, address_2 text, suburb text, postcode text, state text,
	date_of_birth text, soc_sec_id text);
\set c1 '\\copy pool_raw FROM ' :'f1' ' WITH (FORMAT csv, HEADER true)'
\set c2 '\\copy pool_raw FROM ' :'f2' ' WITH (FORMAT csv, HEADER true)'
\set c3 '\\copy pool_raw FROM ' :'f3' ' WITH (FORMAT csv, HEADER true)'
:c1
:c2
:c3
-- name pools with their natural frequencies (every occurrence in the originals)
CREATE TEMP TABLE gpool AS SELECT row_number() OVER ()::int AS i, trim(given_name) AS name
	FROM pool_raw WHERE rec_id LIKE '%-org' AND trim(given_name) <> '';
CREATE TEMP TABLE fpool AS SELECT row_number() OVER ()::int AS i, trim(surname) AS name
	FROM pool_raw WHERE rec_id LIKE '%-org' AND trim(surname) <> '';
CREATE TEMP TABLE spool AS SELECT row_number() OVER ()::int AS i, trim(address_1) AS name
	FROM pool_raw WHERE rec_id LIKE '%-org' AND trim(address_1) <> '';
CREATE TEMP TABLE cpool AS SELECT row_number() OVER ()::int AS i, trim(suburb) AS name
	FROM pool_raw WHERE rec_id LIKE '%-org' AND trim(suburb) <> '';
ALTER TABLE spool ADD PRIMARY KEY (i);
ANALYZE gpool, fpool, spool, cpool;

CREATE OR REPLACE FUNCTION bench_typo(s text) RETURNS text LANGUAGE sql VOLATILE AS $$
	SELECT CASE WHEN length(s) < 3 THEN s ELSE
		(SELECT overlay(s placing substr(s, k + 1, 1) || substr(s, k, 1) from k for 2)
		 FROM (SELECT 1 + floor(random() * (length(s) - 1))::int AS k) x) END $$;
CREATE OR REPLACE FUNCTION bench_digit(s text) RETURNS text LANGUAGE sql VOLATILE AS $$
	SELECT overlay(s placing ((substr(s, k, 1)::int + 1) % 10)::text from k for 1)
	FROM (SELECT 1 + floor(random() * length(s))::int AS k) x $$;

CREATE TEMP TABLE entity AS
WITH r AS (
	SELECT e, 1 + floor(random() * (SELECT count(*) FROM gpool))::int AS gi,
		1 + floor(random() * (SELECT count(*) FROM fpool))::int AS fi,
		1 + floor(random() * (SELECT count(*) FROM spool))::int AS si,
		1 + floor(random() * (SELECT count(*) FROM cpool))::int AS ci,
		date '1930-01-01' + floor(random() * 30000)::int AS dob,
		(1000 + floor(random() * 8999))::int::text AS postcode,
		(1000000 + floor(random() * 8999999))::int::text AS ssn,
		(1 + floor(random() * 300))::int::text AS house
	FROM generate_series(1, ceil(:n / 1.2)::int) e)
SELECT e, g.name AS given, f.name AS family, dob, postcode, ssn, house || ' ' || s.name AS address,
	c.name AS city
FROM r JOIN gpool g ON g.i = r.gi JOIN fpool f ON f.i = r.fi JOIN spool s ON s.i = r.si
	JOIN cpool c ON c.i = r.ci;

-- a corrupted copy of an entity: kinds k1 and k2 (0..6)
CREATE OR REPLACE FUNCTION bench_corrupt(INOUT given text, INOUT family text, INOUT dob date,
	INOUT postcode text, INOUT ssn text, INOUT address text, INOUT city text, k int)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	CASE k
	WHEN 0 THEN family := bench_typo(family);
	WHEN 1 THEN given := CASE WHEN random() < 0.5 THEN left(given, 1) ELSE left(given, greatest(3, length(given) - 2)) END;
	WHEN 2 THEN dob := CASE WHEN extract(day FROM dob) <= 12 AND extract(day FROM dob) <> extract(month FROM dob)
		THEN make_date(extract(year FROM dob)::int, extract(day FROM dob)::int, extract(month FROM dob)::int)
		ELSE dob + 1 END;
	WHEN 3 THEN dob := dob + 365 * (CASE WHEN random() < 0.5 THEN 1 ELSE -1 END);
	WHEN 4 THEN postcode := NULL;
	WHEN 5 THEN ssn := bench_digit(ssn);
	ELSE
		SELECT (1 + floor(random() * 300))::int::text || ' ' || name INTO address FROM spool
		WHERE i = (SELECT 1 + floor(random() * count(*))::int FROM spool);
		postcode := (1000 + floor(random() * 8999))::int::text;
	END CASE;
END $$;

CREATE TABLE bench AS
SELECT 'e' || e || '-0' AS id, e AS entity, given, family, dob, postcode, ssn, address, city FROM entity;
INSERT INTO bench
SELECT 'e' || e || '-1', e, (c).given, (c).family, (c).dob, (c).postcode, (c).ssn, (c).address, (c).city
FROM (SELECT e, bench_corrupt(given, family, dob, postcode, ssn, address, city,
		floor(random() * 7)::int) AS c
	  FROM entity WHERE e <= :n - (SELECT count(*) FROM entity)) d;
UPDATE bench SET (given, family, dob, postcode, ssn, address, city) =
	(SELECT c.given, c.family, c.dob, c.postcode, c.ssn, c.address, c.city
	 FROM bench_corrupt(bench.given, bench.family, bench.dob, bench.postcode, bench.ssn,
		bench.address, bench.city, floor(random() * 7)::int) c)
WHERE id LIKE '%-1' AND random() < 0.4;
ALTER TABLE bench ADD COLUMN identity patient_identity;
UPDATE bench SET identity = patient_identity(family, given, dob, NULL, address, city, postcode, NULL,
	ARRAY['ssn|' || ssn]);
ALTER TABLE bench ADD PRIMARY KEY (id);

CREATE TABLE bench_probe AS
SELECT row_number() OVER () AS probe, e AS entity, (c).given, (c).family, (c).dob, (c).postcode,
	(c).ssn, (c).address, (c).city
FROM (SELECT e, bench_corrupt(given, family, dob, postcode, ssn, address, city,
		floor(random() * 7)::int) AS c
	  FROM entity ORDER BY random() LIMIT 1000) d;
ALTER TABLE bench_probe ADD COLUMN identity patient_identity;
UPDATE bench_probe SET identity = patient_identity(family, given, dob, NULL, address, city, postcode,
	NULL, ARRAY['ssn|' || ssn]);
VACUUM ANALYZE bench;
VACUUM ANALYZE bench_probe;
SELECT count(*) AS records, count(DISTINCT entity) AS entities FROM bench;
