--
-- Helpers shared by the regression tests (this file runs first).
--
-- regress_error(query): runs a query and returns its error as
-- "SQLSTATE: message (detail)", or 'no error', so that SQLSTATEs and
-- details are part of the expected output.
CREATE FUNCTION regress_error(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text;
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
	RETURN st || ': ' || msg || CASE WHEN det <> '' THEN ' (' || det || ')' ELSE '' END;
END $$;
SELECT regress_error('SELECT 1/0');
SELECT regress_error('SELECT 1');
