/*
 * match_gin.c
 *		GIN operator class patient_identity_ops: candidate search by
 *		blocking keys for  identity % query.
 *
 * The index stores, for each identity, the core's blocking keys (phonetic
 * surname with given initial, given name with surname initial and birth
 * year, birth date, postal code with birth year, phone, swapped names,
 * surname with postal code, postal code with house number, identifiers and
 * their one-deletion variants) hashed to int4.  A query extracts the same
 * keys; a row sharing at least one is a candidate, and every candidate is
 * rechecked by the operator itself, which scores the pair against the
 * threshold and checks that a real (unhashed) key is shared.  So the index
 * and a sequential scan return the same rows.
 */
#include "pg_clinical.h"

#include "access/gin.h"
#include "access/stratnum.h"

#include "match_pg.h"

static int
cmp_int32(const void *a, const void *b)
{
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	return (x > y) - (x < y);
}

/* distinct hashed keys of an identity */
static Datum *
extract_keys(struct varlena *v, int32 *nkeys)
{
	cl_identity id;
	char	  **keys;
	int			n;
	int			u = 0;
	int32	   *h;
	Datum	   *out;

	match_identity_view(v, &id);
	n = match_block_keys(&id, &keys);
	h = palloc(sizeof(int32) * (n + 1));
	for (int i = 0; i < n; i++)
		h[i] = (int32) cl_block_key_hash(keys[i], strlen(keys[i]));
	qsort(h, n, sizeof(int32), cmp_int32);
	out = palloc(sizeof(Datum) * (n + 1));
	for (int i = 0; i < n; i++)
		if (u == 0 || h[i] != DatumGetInt32(out[u - 1]))
			out[u++] = Int32GetDatum(h[i]);
	*nkeys = u;
	return out;
}

PG_FUNCTION_INFO_V1(patient_identity_gin_extract_value);
Datum
patient_identity_gin_extract_value(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_IDENTITY_P(0);
	int32	   *nkeys = (int32 *) PG_GETARG_POINTER(1);

	PG_RETURN_POINTER(extract_keys(v, nkeys));
}

PG_FUNCTION_INFO_V1(patient_identity_gin_extract_query);
Datum
patient_identity_gin_extract_query(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_IDENTITY_P(0);
	int32	   *nkeys = (int32 *) PG_GETARG_POINTER(1);
	int32	   *searchMode = (int32 *) PG_GETARG_POINTER(6);
	Datum	   *keys = extract_keys(v, nkeys);

	/* no key: no row can share one, so nothing matches */
	*searchMode = GIN_SEARCH_MODE_DEFAULT;
	PG_RETURN_POINTER(keys);
}

PG_FUNCTION_INFO_V1(patient_identity_gin_consistent);
Datum
patient_identity_gin_consistent(PG_FUNCTION_ARGS)
{
	bool	   *check = (bool *) PG_GETARG_POINTER(0);
	int32		nkeys = PG_GETARG_INT32(3);
	bool	   *recheck = (bool *) PG_GETARG_POINTER(5);

	*recheck = true;
	for (int32 i = 0; i < nkeys; i++)
		if (check[i])
			PG_RETURN_BOOL(true);
	PG_RETURN_BOOL(false);
}

PG_FUNCTION_INFO_V1(patient_identity_gin_triconsistent);
Datum
patient_identity_gin_triconsistent(PG_FUNCTION_ARGS)
{
	GinTernaryValue *check = (GinTernaryValue *) PG_GETARG_POINTER(0);
	int32		nkeys = PG_GETARG_INT32(3);

	for (int32 i = 0; i < nkeys; i++)
		if (check[i] != GIN_FALSE)
			PG_RETURN_GIN_TERNARY_VALUE(GIN_MAYBE);
	PG_RETURN_GIN_TERNARY_VALUE(GIN_FALSE);
}
