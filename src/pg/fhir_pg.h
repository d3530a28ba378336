/*
 * fhir_pg.h
 *		The fhir type inside the server: a jsonb whose content passed FHIR R4
 *		validation at the level of pg_clinical.fhir_validation.
 */
#ifndef FHIR_PG_H
#define FHIR_PG_H

#include "pg_clinical.h"

#include "utils/jsonb.h"

#include "clinical/fhir_validate.h"

/* GUC pg_clinical.fhir_validation (module.c) */
extern int	cl_fhir_validation;

/*
 * Parses JSON text with PostgreSQL's JSON parser, validating it as FHIR at
 * the given level while the jsonb is built (one pass).  Raises 22P02 with a
 * JSON pointer on the first error, or saves it softly in escontext (16+) and
 * returns NULL.
 */
Jsonb	   *fhir_parse_text(char *json, int len, fhir_validation_level level,
							Node *escontext);

/*
 * Feeds a stored jsonb to a validator (in document order of the stored
 * form); returns the validator with its issues.
 */
fhir_validator *fhir_validate_jsonb(Jsonb *jb, fhir_validation_level level,
									int max_issues);

/* Raises the first error of a validator as 22P02 (what: "FHIR resource"). */
void		fhir_raise_first_issue(fhir_validator *v) CL_PG_NORETURN;

/* The level named by text ('strict', 'structure', 'off'); 22023 otherwise. */
fhir_validation_level fhir_level_from_text(text *t);

#endif
