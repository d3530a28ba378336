-- The showcase run by `make demo`: what each capability does on the samples.
\pset footer off
\echo
\echo '#### pg_clinical' 
SELECT pg_clinical_version() AS version;

\echo
\echo '#### Sample files loaded (test/data/)'
SELECT file, length(content) AS bytes,
	   array_length(regexp_split_to_array(content, E'\n'), 1) AS lines
FROM clinical_demo.hl7_files ORDER BY file;
