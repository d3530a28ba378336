-- Loads one FEBRL CSV (psql variable :file) into febrl_raw and builds
-- febrl(id, entity, identity).  Values are followed by ", " in the files,
-- so every column is trimmed.  An impossible date_of_birth in the file
-- (FEBRL corrupts some) becomes a missing birth date.
DROP TABLE IF EXISTS febrl_raw, febrl;
CREATE TABLE febrl_raw (rec_id text, given_name text, surname text, street_number text,
	address_1 text, address_2 text, suburb text, postcode text, state text,
	date_of_birth text, soc_sec_id text);
\set copy '\\copy febrl_raw FROM ' :'file' ' WITH (FORMAT csv, HEADER true)'
:copy
CREATE OR REPLACE FUNCTION febrl_date(t text) RETURNS date LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF t !~ '^[0-9]{8}$' THEN RETURN NULL; END IF;
	RETURN make_date(substr(t, 1, 4)::int, substr(t, 5, 2)::int, substr(t, 7, 2)::int);
EXCEPTION WHEN others THEN
	RETURN NULL;
END $$;
CREATE TABLE febrl AS
SELECT trim(rec_id) AS id,
	(regexp_match(trim(rec_id), '^rec-([0-9]+)-'))[1]::int AS entity,
	trim(given_name) AS given, trim(surname) AS family, trim(date_of_birth) AS dob,
	trim(postcode) AS postcode, trim(soc_sec_id) AS ssn,
	patient_identity(
		family => trim(surname),
		given => trim(given_name),
		birth_date => febrl_date(trim(date_of_birth)),
		address => concat_ws(' ', nullif(trim(street_number), ''), nullif(trim(address_1), ''),
							 nullif(trim(address_2), '')),
		city => trim(suburb),
		postal_code => trim(postcode),
		identifiers => CASE WHEN trim(soc_sec_id) <> '' THEN ARRAY['ssn|' || trim(soc_sec_id)] END
	) AS identity
FROM febrl_raw;
