/*
 * fhir_funcs.c
 *		SQL functions over FHIR resources: validation report, resource type,
 *		id, Bundle entries.
 */
#include "fhir_pg.h"

#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(fhir_validate_report);
PG_FUNCTION_INFO_V1(fhir_resource_type);
PG_FUNCTION_INFO_V1(fhir_id);
PG_FUNCTION_INFO_V1(fhir_bundle_entries);

/*
 * fhir_validate(resource jsonb, level text DEFAULT 'strict')
 *		TABLE(severity text, path text, message text): every issue, not only
 *		the first.  No rows: the resource is valid at that level.
 */
Datum
fhir_validate_report(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	fhir_validation_level level = PG_NARGS() > 1 ?
		fhir_level_from_text(PG_GETARG_TEXT_PP(1)) : FHIR_VALIDATE_STRICT;
	Tuplestorestate *store;
	TupleDesc	tupdesc = cl_pg_materialize_srf(fcinfo, &store);
	fhir_validator *v = fhir_validate_jsonb(jb, level, 0);
	int			n = fhir_validator_nissues(v);

	for (int i = 0; i < n; i++)
	{
		const fhir_issue *is = fhir_validator_issue(v, i);
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = CStringGetTextDatum(is->severity == FHIR_SEVERITY_ERROR ?
										"error" : "warning");
		values[1] = CStringGetTextDatum(is->pointer);
		values[2] = CStringGetTextDatum(is->message);
		tuplestore_putvalues(store, tupdesc, values, nulls);
	}
	return (Datum) 0;
}

/* a top-level string member of a resource, or NULL */
static Datum
top_level_string(FunctionCallInfo fcinfo, const char *key)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	JsonbValue *v;

	if (!JB_ROOT_IS_OBJECT(jb))
		PG_RETURN_NULL();
	v = getKeyJsonValueFromContainer(&jb->root, key, strlen(key), NULL);
	if (v == NULL || v->type != jbvString)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(v->val.string.val, v->val.string.len));
}

Datum
fhir_resource_type(PG_FUNCTION_ARGS)
{
	return top_level_string(fcinfo, "resourceType");
}

Datum
fhir_id(PG_FUNCTION_ARGS)
{
	return top_level_string(fcinfo, "id");
}

/*
 * fhir_bundle_entries(bundle fhir) SETOF fhir: Bundle.entry[].resource in
 * order (entries without a resource, e.g. a DELETE request, are skipped).
 * A resource that is not a Bundle is 22023.
 */
Datum
fhir_bundle_entries(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	Tuplestorestate *store;
	TupleDesc	tupdesc;
	JsonbValue *rt,
			   *entries;

	rt = JB_ROOT_IS_OBJECT(jb) ?
		getKeyJsonValueFromContainer(&jb->root, "resourceType", 12, NULL) : NULL;
	if (rt == NULL || rt->type != jbvString || rt->val.string.len != 6 ||
		memcmp(rt->val.string.val, "Bundle", 6) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("fhir_bundle_entries needs a Bundle")));
	tupdesc = cl_pg_materialize_srf(fcinfo, &store);
	entries = getKeyJsonValueFromContainer(&jb->root, "entry", 5, NULL);
	if (entries == NULL || entries->type != jbvBinary ||
		!JsonContainerIsArray(entries->val.binary.data))
		return (Datum) 0;
	{
		JsonbContainer *arr = entries->val.binary.data;
		uint32		n = JsonContainerSize(arr);

		for (uint32 i = 0; i < n; i++)
		{
			JsonbValue *e = getIthJsonbValueFromContainer(arr, i);
			JsonbValue *r;
			Datum		value;
			bool		isnull = false;

			if (e == NULL || e->type != jbvBinary ||
				!JsonContainerIsObject(e->val.binary.data))
				continue;
			r = getKeyJsonValueFromContainer(e->val.binary.data, "resource", 8, NULL);
			if (r == NULL || r->type != jbvBinary)
				continue;
			value = JsonbPGetDatum(JsonbValueToJsonb(r));
			tuplestore_putvalues(store, tupdesc, &value, &isnull);
		}
	}
	return (Datum) 0;
}
