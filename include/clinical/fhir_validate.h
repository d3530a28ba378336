/*
 * clinical/fhir_validate.h
 *		Validation of FHIR R4 JSON against the model tables, driven by JSON
 *		events, so that one validator serves every feeder: PostgreSQL's JSON
 *		parser while it builds jsonb (the fhir type's input, one pass), a
 *		walk over stored jsonb (fhir_validate), the XML converter, and the
 *		standalone tests.
 *
 * The feeder reports the document in order: object start/end, array
 * start/end, member keys, scalars.  Strings arrive decoded (UTF-8, escapes
 * resolved); numbers arrive as their exact lexical form ("1.50"), never as a
 * double.  Each call returns false once the validator has stopped (the
 * issue limit was reached), so that a feeder wanting only the first error
 * can abort at once.
 *
 * Issues carry a severity, a JSON pointer (RFC 6901: "/name/0/given") to the
 * offending place and a message that quotes at most CL_ERR_FRAGMENT_CHARS
 * characters of the document.
 */
#ifndef CLINICAL_FHIR_VALIDATE_H
#define CLINICAL_FHIR_VALIDATE_H

#include "clinical/common.h"
#include "clinical/fhir_model.h"

typedef enum fhir_validation_level
{
	FHIR_VALIDATE_OFF,			/* a JSON object with a known resourceType */
	FHIR_VALIDATE_STRUCTURE,	/* all rules except required elements */
	FHIR_VALIDATE_STRICT		/* all rules, required elements (min >= 1) too */
} fhir_validation_level;

/* the kind of a scalar event (fhir_json_kind of fhir_model.h has no null) */
typedef enum fhir_scalar_kind
{
	FHIR_SCALAR_STRING,
	FHIR_SCALAR_NUMBER,
	FHIR_SCALAR_BOOL,
	FHIR_SCALAR_NULL
} fhir_scalar_kind;

typedef enum fhir_severity
{
	FHIR_SEVERITY_ERROR,
	FHIR_SEVERITY_WARNING
} fhir_severity;

typedef struct fhir_issue
{
	fhir_severity severity;
	const char *pointer;		/* JSON pointer, "" for the root */
	const char *message;
} fhir_issue;

typedef struct fhir_validator fhir_validator;

/*
 * Creates a validator whose memory (issues, buffered events, stacks) comes
 * from a.  max_issues: stop after this many errors (1 for type input, 0 for
 * no limit).  Returns NULL when out of memory.
 */
fhir_validator *fhir_validator_create(const cl_allocator *a,
									  fhir_validation_level level,
									  int max_issues);

/* Releases everything the validator allocated (a no-op in an arena). */
void		fhir_validator_destroy(fhir_validator *v);

bool		fhir_v_object_start(fhir_validator *v);
bool		fhir_v_object_end(fhir_validator *v);
bool		fhir_v_array_start(fhir_validator *v);
bool		fhir_v_array_end(fhir_validator *v);
bool		fhir_v_key(fhir_validator *v, const char *key, size_t len);
bool		fhir_v_scalar(fhir_validator *v, fhir_scalar_kind kind,
						  const char *text, size_t len);

/*
 * Ends the document; reports what only the end can tell (no document, root
 * not an object...).  Returns true when there are no errors.
 */
bool		fhir_v_finish(fhir_validator *v);

int			fhir_validator_nissues(const fhir_validator *v);
const fhir_issue *fhir_validator_issue(const fhir_validator *v, int i);

/* Number of errors (warnings excluded). */
int			fhir_validator_nerrors(const fhir_validator *v);

/* The root resource's type once known (FHIR_NO_TYPE before / if unknown). */
fhir_type_id fhir_validator_resource_type(const fhir_validator *v);

/*
 * Convenience for the standalone core (tests, fuzzers, XML converter):
 * validates a JSON text, feeding the events from the core's own JSON reader
 * (numbers kept lexical).  Malformed JSON is an error issue too.
 */
fhir_validator *fhir_validate_json_text(const cl_allocator *a, const char *json,
										size_t len, fhir_validation_level level,
										int max_issues);

#endif							/* CLINICAL_FHIR_VALIDATE_H */
