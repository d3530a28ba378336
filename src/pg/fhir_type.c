/*
 * fhir_type.c
 *		The fhir type: one FHIR R4 resource, validated on input, stored as
 *		jsonb.
 *
 * Input runs PostgreSQL's own JSON parser with semantic actions that do two
 * things in the same walk: feed each event to the core's FHIR validator and
 * push it into a jsonb under construction (as jsonb_in does).  Numbers go
 * from their lexical text straight to numeric, so 1.50 stays 1.50 and a
 * 30-digit decimal stays whole; nothing passes through a double.  The
 * stored value is a plain jsonb: fhir::jsonb is binary-coercible, so every
 * jsonb operator, function and index works on it.
 */
#include "fhir_pg.h"

#include "common/jsonapi.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/jsonfuncs.h"
#include "utils/numeric.h"

PG_FUNCTION_INFO_V1(fhir_in);
PG_FUNCTION_INFO_V1(fhir_out);
PG_FUNCTION_INFO_V1(fhir_recv);
PG_FUNCTION_INFO_V1(fhir_send);
PG_FUNCTION_INFO_V1(fhir_from_jsonb);
PG_FUNCTION_INFO_V1(fhir_from_text);

#define FHIR_WHAT "FHIR resource"

/* semantic actions return an error code from PostgreSQL 16 on */
#if PG_VERSION_NUM >= 160000
#define SEM_RESULT JsonParseErrorType
#define SEM_OK JSON_SUCCESS
#define SEM_FAIL JSON_SEM_ACTION_FAILED
#else
#define SEM_RESULT void
#define SEM_OK
#define SEM_FAIL
#endif

typedef struct fhir_parse_state
{
	JsonbParseState *pstate;
	JsonbValue *res;
	fhir_validator *v;
	Node	   *escontext;
	bool		failed;
} fhir_parse_state;

/*
 * Report issue is (the validator's first) as 22P02 with its JSON pointer:
 * softly through escontext on PostgreSQL 16+ when one is given, else ERROR.
 */
static void
report_issue(const fhir_issue *is, Node *escontext)
{
#ifdef CL_HAVE_SOFT_ERRORS
	errsave(escontext,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid FHIR resource: %s", is ? is->message : "rejected"),
			 errdetail("At JSON pointer \"%s\".", is ? is->pointer : "")));
#else
	(void) escontext;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid FHIR resource: %s", is ? is->message : "rejected"),
			 errdetail("At JSON pointer \"%s\".", is ? is->pointer : "")));
#endif
}

static void
fhir_report(fhir_parse_state *st)
{
	st->failed = true;
	report_issue(fhir_validator_issue(st->v, 0), st->escontext);
}

void
fhir_raise_first_issue(fhir_validator *v)
{
	report_issue(fhir_validator_issue(v, 0), NULL);
	pg_unreachable();
}

#define CHECK_V(st, call) \
	do { \
		if (!(st)->failed && !(call)) \
		{ \
			fhir_report(st); \
			return SEM_FAIL; \
		} \
	} while (0)

static SEM_RESULT
fp_object_start(void *state)
{
	fhir_parse_state *st = state;

	CHECK_V(st, fhir_v_object_start(st->v));
	st->res = pushJsonbValue(&st->pstate, WJB_BEGIN_OBJECT, NULL);
	return SEM_OK;
}

static SEM_RESULT
fp_object_end(void *state)
{
	fhir_parse_state *st = state;

	CHECK_V(st, fhir_v_object_end(st->v));
	st->res = pushJsonbValue(&st->pstate, WJB_END_OBJECT, NULL);
	return SEM_OK;
}

static SEM_RESULT
fp_array_start(void *state)
{
	fhir_parse_state *st = state;

	CHECK_V(st, fhir_v_array_start(st->v));
	st->res = pushJsonbValue(&st->pstate, WJB_BEGIN_ARRAY, NULL);
	return SEM_OK;
}

static SEM_RESULT
fp_array_end(void *state)
{
	fhir_parse_state *st = state;

	CHECK_V(st, fhir_v_array_end(st->v));
	st->res = pushJsonbValue(&st->pstate, WJB_END_ARRAY, NULL);
	return SEM_OK;
}

static SEM_RESULT
fp_object_field_start(void *state, char *fname, bool isnull)
{
	fhir_parse_state *st = state;
	JsonbValue	v;
	size_t		len = strlen(fname);

	CHECK_V(st, fhir_v_key(st->v, fname, len));
	if (len > JENTRY_OFFLENMASK)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("string too long to represent as jsonb string")));
	v.type = jbvString;
	v.val.string.len = (int) len;
	v.val.string.val = fname;
	st->res = pushJsonbValue(&st->pstate, WJB_KEY, &v);
	return SEM_OK;
}

static SEM_RESULT
fp_scalar(void *state, char *token, JsonTokenType tokentype)
{
	fhir_parse_state *st = state;
	JsonbValue	v;
	size_t		len = token ? strlen(token) : 0;

	switch (tokentype)
	{
		case JSON_TOKEN_STRING:
			CHECK_V(st, fhir_v_scalar(st->v, FHIR_SCALAR_STRING, token, len));
			if (len > JENTRY_OFFLENMASK)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("string too long to represent as jsonb string")));
			v.type = jbvString;
			v.val.string.len = (int) len;
			v.val.string.val = token;
			break;
		case JSON_TOKEN_NUMBER:
			CHECK_V(st, fhir_v_scalar(st->v, FHIR_SCALAR_NUMBER, token, len));
			v.type = jbvNumeric;
			v.val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in,
																CStringGetDatum(token),
																ObjectIdGetDatum(InvalidOid),
																Int32GetDatum(-1)));
			break;
		case JSON_TOKEN_TRUE:
			CHECK_V(st, fhir_v_scalar(st->v, FHIR_SCALAR_BOOL, "true", 4));
			v.type = jbvBool;
			v.val.boolean = true;
			break;
		case JSON_TOKEN_FALSE:
			CHECK_V(st, fhir_v_scalar(st->v, FHIR_SCALAR_BOOL, "false", 5));
			v.type = jbvBool;
			v.val.boolean = false;
			break;
		case JSON_TOKEN_NULL:
			CHECK_V(st, fhir_v_scalar(st->v, FHIR_SCALAR_NULL, "null", 4));
			v.type = jbvNull;
			break;
		default:
			elog(ERROR, "unexpected JSON token type %d", (int) tokentype);
			break;
	}
	if (st->pstate == NULL)
	{
		/* a bare scalar document: the validator has rejected it already */
		st->res = pushJsonbValue(&st->pstate, WJB_BEGIN_ARRAY, NULL);
		st->res = pushJsonbValue(&st->pstate, WJB_ELEM, &v);
		st->res = pushJsonbValue(&st->pstate, WJB_END_ARRAY, NULL);
	}
	else if (st->pstate->contVal.type == jbvArray)
		st->res = pushJsonbValue(&st->pstate, WJB_ELEM, &v);
	else
		st->res = pushJsonbValue(&st->pstate, WJB_VALUE, &v);
	return SEM_OK;
}

Jsonb *
fhir_parse_text(char *json, int len, fhir_validation_level level, Node *escontext)
{
	fhir_parse_state st;
	JsonSemAction sem;
	JsonParseErrorType rc;
	JsonLexContext *lex;

	memset(&st, 0, sizeof(st));
	st.escontext = escontext;
	st.v = fhir_validator_create(&cl_pg_palloc_allocator, level, 1);
#if PG_VERSION_NUM >= 170000
	lex = makeJsonLexContextCstringLen(NULL, json, len, GetDatabaseEncoding(), true);
#else
	lex = makeJsonLexContextCstringLen(json, len, GetDatabaseEncoding(), true);
#endif
	memset(&sem, 0, sizeof(sem));
	sem.semstate = &st;
	sem.object_start = fp_object_start;
	sem.object_end = fp_object_end;
	sem.array_start = fp_array_start;
	sem.array_end = fp_array_end;
	sem.object_field_start = fp_object_field_start;
	sem.scalar = fp_scalar;

	rc = pg_parse_json(lex, &sem);
	if (st.failed)
		return NULL;			/* saved softly */
	if (rc != JSON_SUCCESS)
	{
#ifdef CL_HAVE_SOFT_ERRORS
		json_errsave_error(rc, lex, escontext);
		return NULL;
#else
		json_ereport_error(rc, lex);
#endif
	}
	if (!fhir_v_finish(st.v))
	{
		fhir_report(&st);
		return NULL;
	}
	return JsonbValueToJsonb(st.res);
}

Datum
fhir_in(PG_FUNCTION_ARGS)
{
	char	   *s = PG_GETARG_CSTRING(0);
	Jsonb	   *jb;

#ifdef CL_HAVE_SOFT_ERRORS
	jb = fhir_parse_text(s, strlen(s), cl_fhir_validation, fcinfo->context);
#else
	jb = fhir_parse_text(s, strlen(s), cl_fhir_validation, NULL);
#endif
	if (jb == NULL)
		PG_RETURN_NULL();
	PG_RETURN_JSONB_P(jb);
}

Datum
fhir_from_text(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	char	   *s = text_to_cstring(t);

	PG_RETURN_JSONB_P(fhir_parse_text(s, strlen(s), cl_fhir_validation, NULL));
}

/* ---- output: resourceType first in every object ----------------------------- */

static void append_container(StringInfo out, JsonbContainer *c);

/* a scalar (or a nested container) as JSON text */
static void
append_value(StringInfo out, JsonbValue *v)
{
	switch (v->type)
	{
		case jbvBinary:
			append_container(out, v->val.binary.data);
			break;
		case jbvString:
			escape_json(out, pnstrdup(v->val.string.val, v->val.string.len));
			break;
		case jbvNumeric:
			appendStringInfoString(out,
								   DatumGetCString(DirectFunctionCall1(numeric_out,
																	   NumericGetDatum(v->val.numeric))));
			break;
		case jbvBool:
			appendStringInfoString(out, v->val.boolean ? "true" : "false");
			break;
		default:
			appendStringInfoString(out, "null");
			break;
	}
}

/*
 * Writes a container as jsonb's output does (", " and ": " separators),
 * except that in every object "resourceType" comes first: a resource reads
 * as FHIR JSON is written, contained and Bundle entry resources included.
 */
static void
append_container(StringInfo out, JsonbContainer *c)
{
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	bool		first = true;

	check_stack_depth();
	if (JsonContainerIsObject(c))
	{
		JsonbValue *rt = getKeyJsonValueFromContainer(c, "resourceType", 12, NULL);

		appendStringInfoChar(out, '{');
		if (rt != NULL)
		{
			appendStringInfoString(out, "\"resourceType\": ");
			append_value(out, rt);
			first = false;
		}
		it = JsonbIteratorInit(c);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			JsonbValue	val;

			if (tok != WJB_KEY)
				continue;
			(void) JsonbIteratorNext(&it, &val, true);
			if (v.val.string.len == 12 && memcmp(v.val.string.val, "resourceType", 12) == 0)
				continue;
			if (!first)
				appendStringInfoString(out, ", ");
			first = false;
			escape_json(out, pnstrdup(v.val.string.val, v.val.string.len));
			appendStringInfoString(out, ": ");
			append_value(out, &val);
		}
		appendStringInfoChar(out, '}');
	}
	else
	{
		bool		scalar = JsonContainerIsScalar(c);

		if (!scalar)
			appendStringInfoChar(out, '[');
		it = JsonbIteratorInit(c);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (tok != WJB_ELEM)
				continue;
			if (!first)
				appendStringInfoString(out, ", ");
			first = false;
			append_value(out, &v);
		}
		if (!scalar)
			appendStringInfoChar(out, ']');
	}
}

static char *
fhir_to_cstring(Jsonb *jb)
{
	StringInfoData out;

	initStringInfo(&out);
	append_container(&out, &jb->root);
	return out.data;
}

Datum
fhir_out(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);

	PG_RETURN_CSTRING(fhir_to_cstring(jb));
}

/* binary format: jsonb's (version byte 1, then the text) */
Datum
fhir_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgint(buf, 1);
	char	   *s;
	int			nbytes;

	if (version != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported fhir binary format version %d", version)));
	s = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);
	PG_RETURN_JSONB_P(fhir_parse_text(s, nbytes, cl_fhir_validation, NULL));
}

Datum
fhir_send(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	char	   *s = fhir_to_cstring(jb);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, 1);
	pq_sendtext(&buf, s, strlen(s));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---- validating a stored jsonb --------------------------------------------- */

/* feed the scalar v to the validator; false when the validator stopped */
static bool
feed_scalar(fhir_validator *val, JsonbValue *v)
{
	switch (v->type)
	{
		case jbvString:
			return fhir_v_scalar(val, FHIR_SCALAR_STRING, v->val.string.val,
								 (size_t) v->val.string.len);
		case jbvNumeric:
			{
				char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out,
																	NumericGetDatum(v->val.numeric)));
				bool		r = fhir_v_scalar(val, FHIR_SCALAR_NUMBER, s, strlen(s));

				pfree(s);
				return r;
			}
		case jbvBool:
			return v->val.boolean ? fhir_v_scalar(val, FHIR_SCALAR_BOOL, "true", 4)
				: fhir_v_scalar(val, FHIR_SCALAR_BOOL, "false", 5);
		case jbvNull:
			return fhir_v_scalar(val, FHIR_SCALAR_NULL, "null", 4);
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) v->type);
	}
	return false;
}

/*
 * Feeds one container to the validator, recursively.  In every object the
 * "resourceType" member is fed first: jsonb stores keys sorted by length, so
 * it would otherwise come after most keys and make the validator buffer and
 * replay them.  Returns false when the validator stopped.
 */
static bool
feed_container(fhir_validator *val, JsonbContainer *c)
{
	JsonbIterator *it = JsonbIteratorInit(c);
	JsonbIteratorToken tok;
	JsonbValue	v;
	bool		go = true;
	bool		is_object = JsonContainerIsObject(c);

	check_stack_depth();
	while (go && (tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		switch (tok)
		{
			case WJB_BEGIN_OBJECT:
				go = fhir_v_object_start(val);
				if (go)
				{
					JsonbValue *rt = getKeyJsonValueFromContainer(c, "resourceType", 12, NULL);

					if (rt != NULL)
					{
						go = fhir_v_key(val, "resourceType", 12);
						if (go)
							go = rt->type == jbvBinary ?
								feed_container(val, rt->val.binary.data) :
								feed_scalar(val, rt);
					}
				}
				break;
			case WJB_END_OBJECT:
				go = fhir_v_object_end(val);
				break;
			case WJB_BEGIN_ARRAY:
				go = fhir_v_array_start(val);
				break;
			case WJB_END_ARRAY:
				go = fhir_v_array_end(val);
				break;
			case WJB_KEY:
				if (is_object && v.val.string.len == 12 &&
					memcmp(v.val.string.val, "resourceType", 12) == 0)
				{
					/* fed first; skip the key and its value */
					(void) JsonbIteratorNext(&it, &v, true);
					break;
				}
				go = fhir_v_key(val, v.val.string.val, (size_t) v.val.string.len);
				break;
			case WJB_VALUE:
			case WJB_ELEM:
				if (v.type == jbvBinary)
					go = feed_container(val, v.val.binary.data);
				else
					go = feed_scalar(val, &v);
				break;
			default:
				break;
		}
	}
	return go;
}

fhir_validator *
fhir_validate_jsonb(Jsonb *jb, fhir_validation_level level, int max_issues)
{
	fhir_validator *val = fhir_validator_create(&cl_pg_palloc_allocator, level,
												max_issues);
	bool		go;

	if (JB_ROOT_IS_SCALAR(jb))
		go = feed_scalar(val, getIthJsonbValueFromContainer(&jb->root, 0));
	else
		go = feed_container(val, &jb->root);
	if (go)
		(void) fhir_v_finish(val);
	return val;
}

/* jsonb -> fhir: validates at the session's level, no copy */
Datum
fhir_from_jsonb(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	fhir_validator *v = fhir_validate_jsonb(jb, cl_fhir_validation, 1);

	if (fhir_validator_nerrors(v) > 0)
		fhir_raise_first_issue(v);
	PG_RETURN_JSONB_P(jb);
}

fhir_validation_level
fhir_level_from_text(text *t)
{
	char	   *s = text_to_cstring(t);

	if (pg_strcasecmp(s, "strict") == 0)
		return FHIR_VALIDATE_STRICT;
	if (pg_strcasecmp(s, "structure") == 0)
		return FHIR_VALIDATE_STRUCTURE;
	if (pg_strcasecmp(s, "off") == 0)
		return FHIR_VALIDATE_OFF;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid FHIR validation level \"%s\"", s),
			 errhint("Valid levels are strict, structure and off.")));
	pg_unreachable();
}
