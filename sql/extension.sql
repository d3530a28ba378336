--
-- The extension as a whole: CREATE EXTENSION works in a fresh database,
-- DROP EXTENSION leaves nothing behind, and the GUC prefix is reserved.
--
CREATE TEMP TABLE catalog_before (cat regclass, objid oid, descr text);
CREATE TEMP VIEW catalog_now AS
	SELECT c.cat, c.objid, pg_describe_object(c.cat, c.objid, 0) AS descr
	FROM (
		SELECT 'pg_proc'::regclass AS cat, oid AS objid FROM pg_proc
		UNION ALL SELECT 'pg_type'::regclass, oid FROM pg_type
		UNION ALL SELECT 'pg_class'::regclass, oid FROM pg_class
		UNION ALL SELECT 'pg_namespace'::regclass, oid FROM pg_namespace
		UNION ALL SELECT 'pg_operator'::regclass, oid FROM pg_operator
		UNION ALL SELECT 'pg_opclass'::regclass, oid FROM pg_opclass
		UNION ALL SELECT 'pg_opfamily'::regclass, oid FROM pg_opfamily
		UNION ALL SELECT 'pg_amop'::regclass, oid FROM pg_amop
		UNION ALL SELECT 'pg_amproc'::regclass, oid FROM pg_amproc
		UNION ALL SELECT 'pg_cast'::regclass, oid FROM pg_cast
		UNION ALL SELECT 'pg_trigger'::regclass, oid FROM pg_trigger
		UNION ALL SELECT 'pg_event_trigger'::regclass, oid FROM pg_event_trigger
		UNION ALL SELECT 'pg_policy'::regclass, oid FROM pg_policy
		UNION ALL SELECT 'pg_rewrite'::regclass, oid FROM pg_rewrite
		UNION ALL SELECT 'pg_constraint'::regclass, oid FROM pg_constraint
		UNION ALL SELECT 'pg_collation'::regclass, oid FROM pg_collation
		UNION ALL SELECT 'pg_conversion'::regclass, oid FROM pg_conversion
		UNION ALL SELECT 'pg_ts_config'::regclass, oid FROM pg_ts_config
		UNION ALL SELECT 'pg_ts_dict'::regclass, oid FROM pg_ts_dict
		UNION ALL SELECT 'pg_foreign_data_wrapper'::regclass, oid FROM pg_foreign_data_wrapper
		UNION ALL SELECT 'pg_foreign_server'::regclass, oid FROM pg_foreign_server
		UNION ALL SELECT 'pg_statistic_ext'::regclass, oid FROM pg_statistic_ext
		UNION ALL SELECT 'pg_extension'::regclass, oid FROM pg_extension
	) c;
INSERT INTO catalog_before SELECT * FROM catalog_now;

CREATE EXTENSION pg_clinical;

SELECT extname, extversion, extrelocatable FROM pg_extension
WHERE extname = 'pg_clinical';
SELECT pg_clinical_version() ~ '^pg_clinical 0\.1\.0 \(built for PostgreSQL 1[3-9]' AS version_ok;

-- something was created (the extension and its members)
SELECT count(*) > 1 AS created_objects
FROM (SELECT cat, objid FROM catalog_now EXCEPT SELECT cat, objid FROM catalog_before) s;

-- every object the script creates is a member of the extension
SELECT n.cat, n.descr
FROM (SELECT cat, objid, descr FROM catalog_now
	  EXCEPT SELECT cat, objid, descr FROM catalog_before) n
WHERE n.cat <> 'pg_extension'::regclass
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
				  WHERE d.classid = n.cat AND d.objid = n.objid AND d.deptype = 'e')
  -- array types, toast tables and implicit rows belong to their parent
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
				  WHERE d.classid = n.cat AND d.objid = n.objid AND d.deptype IN ('i', 'a'))
ORDER BY 1, 2;

-- the GUC prefix is reserved once the library is loaded
LOAD 'pg_clinical';
SET pg_clinical.no_such_setting = 'x';
SHOW pg_clinical.no_such_setting;

DROP EXTENSION pg_clinical;

-- nothing is left behind
SELECT cat, descr FROM catalog_now
EXCEPT SELECT cat, descr FROM catalog_before
ORDER BY 1, 2;
SELECT cat, descr FROM catalog_before
EXCEPT SELECT cat, descr FROM catalog_now
ORDER BY 1, 2;

-- and it can be created again in the same database
CREATE EXTENSION pg_clinical;
DROP EXTENSION pg_clinical;
