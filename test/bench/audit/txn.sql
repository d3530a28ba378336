-- one clinical write: insert an observation, then amend it (one transaction)
\set pid random(1, 100000)
\set v random(1, 400)
BEGIN;
INSERT INTO bench_obs (patient_id, mrn, family, given, birth_date, sex, code, value, unit, status)
	VALUES (:pid, 'MRN' || :pid, 'Family' || :pid, 'Given', date '1950-01-01' + :pid % 20000, 'F',
			'2093-3', :v, 'mg/dL', 'final') RETURNING id \gset
UPDATE bench_obs SET value = value + 1, status = 'amended', updated_at = now() WHERE id = :id;
END;
