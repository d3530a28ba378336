/*
 * module.c
 *		Module initialisation of pg_clinical: the GUC namespace.
 *
 * Every setting of the extension lives under the prefix "pg_clinical."; the
 * prefix is reserved so that a misspelt setting (pg_clinical.matchthreshold)
 * is reported instead of silently becoming a placeholder.  Subsystems that
 * own settings define them from here, in one place, before the reservation.
 */
#include "pg_clinical.h"

#include "utils/builtins.h"
#include "utils/guc.h"

#include "audit_pg.h"
#include "fhir_pg.h"
#include "match_pg.h"

PG_MODULE_MAGIC;

/* pg_clinical.fhir_validation: how much the fhir type checks on input */
int			cl_fhir_validation = FHIR_VALIDATE_STRICT;

const struct config_enum_entry cl_fhir_validation_options[] = {
	{"strict", FHIR_VALIDATE_STRICT, false},
	{"structure", FHIR_VALIDATE_STRUCTURE, false},
	{"off", FHIR_VALIDATE_OFF, false},
	{NULL, 0, false}
};

void		_PG_init(void);

void
_PG_init(void)
{
	/* subsystem GUCs are defined here, before the prefix is reserved */
	DefineCustomEnumVariable("pg_clinical.fhir_validation",
							 "How much the fhir type validates on input.",
							 "strict: the FHIR R4 JSON rules and required elements; "
							 "structure: the rules without required elements; "
							 "off: a JSON object with a known resourceType.",
							 &cl_fhir_validation,
							 FHIR_VALIDATE_STRICT,
							 cl_fhir_validation_options,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	cl_audit_init();
	cl_match_init_gucs();

#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("pg_clinical");
#else
	EmitWarningsOnPlaceholders("pg_clinical");
#endif
}

PG_FUNCTION_INFO_V1(pg_clinical_version);

/*
 * pg_clinical_version() -> text: the library's version and the server
 * version it was compiled against, e.g. "pg_clinical 0.1.0 (built for PostgreSQL 15)".
 */
Datum
pg_clinical_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text("pg_clinical " PG_CLINICAL_VERSION
									 " (built for PostgreSQL " PG_MAJORVERSION ")"));
}
