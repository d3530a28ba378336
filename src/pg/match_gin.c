/*
 * match_gin.c
 *		GIN operator class patient_identity_ops: candidate search by
 *		blocking keys for  identity % query.
 *
 * The index stores, for each identity, the core's blocking keys (phonetic
 * surname with given initial, given name with surname initial and birth
 * year, birth date with initials, postal code with birth year, phone,
 * swapped names, surname with postal code, postal code with house number,
 * surname with house and street, identifiers and their one-deletion
 * variants; see index_hash for those) hashed to int4.  A query extracts the same
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

/*
 * The hash the index stores for a key.  Identifier keys are stored
 * coarser than blocking uses them: a deletion key "d:<pos>:<value less
 * pos>" as the untagged "d:<value less pos>", and transposition keys
 * "x:..." not at all.  Two values that share a tagged deletion share the
 * untagged one, and two values one transposition apart (..ab.. and ..ba..)
 * share an untagged deletion too (..a.. from either), so the index still
 * returns every row that shares a key (the recheck drops the few values
 * two edits apart that the untagged keys add).  The tagged keys are
 * nearly all unique, and a unique key costs the index a whole entry: at a
 * million identities they would double its size.  Returns false for a key
 * not stored.
 */
static bool
index_hash(const char *key, int32 *h)
{
	if (key[0] == 'x' && key[1] == ':')
		return false;
	if (key[0] == 'd' && key[1] == ':')
	{
		const char *p = key + 2;

		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == ':' && p > key + 2)
		{
			char	   *k = psprintf("d:%s", p + 1);

			*h = (int32) cl_block_key_hash(k, strlen(k));
			pfree(k);
			return true;
		}
	}
	*h = (int32) cl_block_key_hash(key, strlen(key));
	return true;
}

/* distinct hashed keys of an identity */
static Datum *
extract_keys(struct varlena *v, int32 *nkeys)
{
	cl_identity id;
	char	  **keys;
	int			n;
	int			m = 0;
	int			u = 0;
	int32	   *h;
	Datum	   *out;

	match_identity_view(v, &id);
	n = match_block_keys(&id, &keys);
	h = palloc(sizeof(int32) * (n + 1));
	for (int i = 0; i < n; i++)
		if (index_hash(keys[i], &h[m]))
			m++;
	n = m;
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
