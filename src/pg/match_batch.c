/*
 * match_batch.c
 *		Patient matching over a whole set of records, read through SPI:
 *		match_train(query) estimates the model (EM, no labels) and the name
 *		frequencies; match_clusters(query, threshold) links the probable
 *		matches into clusters.
 *
 * Both block in memory with the same keys the GIN index uses (each key is
 * hashed to 64 bits; records sharing a key form candidate pairs), so the
 * pairs they score are those that  identity % identity  can find.  Keys
 * shared by more than pg_clinical.match_max_block records are skipped: they carry
 * little evidence, and the quadratic number of pairs they would produce
 * is what makes naive blocking explode; true duplicates still meet through
 * their other keys.
 */
#include "pg_clinical.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "match_pg.h"

#define MATCH_RANDOM_PAIRS 200000
#define MATCH_FETCH 10000

typedef struct rec
{
	char	   *id;				/* match_clusters only */
	bool		has_identity;
	const char *bytes;			/* the serialised identity */
	uint32		len;
	cl_identity ident;
} rec;

typedef struct recset
{
	rec		   *r;
	int64		n;
	int64		cap;
} recset;

/*
 * Runs 'query' and keeps every row in cxt: the identity (the first column
 * of type patient_identity) and, with want_id, the other column as text.
 * The caller is connected to SPI.
 */
static void
load_records(const char *query, Oid idtype, bool want_id, MemoryContext cxt,
			 recset *rs, const char *fname)
{
	SPIPlanPtr	plan;
	Portal		portal;
	int			idcol = 0;
	int			keycol = 0;

	plan = SPI_prepare(query, 0, NULL);
	if (plan == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the query could not be prepared: %s", fname,
						SPI_result_code_string(SPI_result))));
	if (!SPI_is_cursor_plan(plan))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the query must be a SELECT returning rows", fname)));
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, false);
	rs->n = 0;
	rs->cap = 1024;
	rs->r = MemoryContextAllocHuge(cxt, sizeof(rec) * rs->cap);
	for (;;)
	{
		TupleDesc	td;

		SPI_cursor_fetch(portal, true, MATCH_FETCH);
		td = SPI_tuptable->tupdesc;
		if (idcol == 0)
		{
			for (int c = 1; c <= td->natts; c++)
			{
				Oid			t = getBaseType(SPI_gettypeid(td, c));

				if (t == idtype && idcol == 0)
					idcol = c;
				else if (keycol == 0)
					keycol = c;
			}
			if (idcol == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s: the query returns no column of type patient_identity", fname),
						 errhint("The query must return (id, identity) rows, e.g. SELECT id, patient_identity(...) FROM t.")));
			if (want_id && (td->natts != 2 || keycol == 0))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s: the query must return two columns, an id and a patient_identity", fname)));
		}
		if (SPI_processed == 0)
			break;
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			HeapTuple	t = SPI_tuptable->vals[i];
			bool		isnull;
			Datum		d = SPI_getbinval(t, td, idcol, &isnull);
			rec		   *r;
			MemoryContext old;

			if (rs->n == rs->cap)
			{
				rs->cap *= 2;
				rs->r = repalloc_huge(rs->r, sizeof(rec) * rs->cap);
			}
			r = &rs->r[rs->n];
			memset(r, 0, sizeof(rec));
			old = MemoryContextSwitchTo(cxt);
			if (want_id)
			{
				r->id = SPI_getvalue(t, td, keycol);
				if (r->id == NULL)
					ereport(ERROR,
							(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
							 errmsg("%s: the id of row %lld is NULL", fname,
									(long long) rs->n + 1)));
			}
			if (!isnull)
			{
				struct varlena *v = (struct varlena *) PG_DETOAST_DATUM_COPY(d);

				match_identity_view(v, &r->ident);
				r->has_identity = true;
				r->bytes = VARDATA_ANY(v);
				r->len = VARSIZE_ANY_EXHDR(v);
			}
			MemoryContextSwitchTo(old);
			if (r->has_identity || want_id)
				rs->n++;
		}
		SPI_freetuptable(SPI_tuptable);
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);
}

typedef struct keyent
{
	uint64		h;
	uint32		rec;
} keyent;

static int
cmp_keyent(const void *a, const void *b)
{
	const keyent *x = a;
	const keyent *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return (x->rec > y->rec) - (x->rec < y->rec);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64		x = *(const uint64 *) a;
	uint64		y = *(const uint64 *) b;

	return (x > y) - (x < y);
}

/*
 * Candidate pairs (i << 32 | j, i < j, sorted, distinct) of the records
 * that share a blocking key; counts the keys skipped as too common.
 */
static size_t
block_pairs(recset *rs, uint64 **out, int64 *skipped)
{
	keyent	   *ke;
	size_t		nke = 0;
	size_t		cap = 4096;
	uint64	   *pairs;
	size_t		np = 0;
	size_t		pcap = 4096;
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "match keys",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old;

	*skipped = 0;
	ke = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(keyent) * cap);
	for (int64 i = 0; i < rs->n; i++)
	{
		char	  **keys;
		int			k;

		if (!rs->r[i].has_identity)
			continue;
		old = MemoryContextSwitchTo(cxt);
		k = match_block_keys(&rs->r[i].ident, &keys);
		MemoryContextSwitchTo(old);
		if (nke + k > cap)
		{
			while (nke + k > cap)
				cap *= 2;
			ke = repalloc_huge(ke, sizeof(keyent) * cap);
		}
		for (int j = 0; j < k; j++)
		{
			ke[nke].h = match_hash64(keys[j], strlen(keys[j]));
			ke[nke].rec = (uint32) i;
			nke++;
		}
		MemoryContextReset(cxt);
		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	MemoryContextDelete(cxt);
	qsort(ke, nke, sizeof(keyent), cmp_keyent);
	pairs = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(uint64) * pcap);
	for (size_t a = 0; a < nke;)
	{
		size_t		b = a;

		while (b < nke && ke[b].h == ke[a].h)
			b++;
		if (b - a > (size_t) cl_match_max_block)
			(*skipped)++;
		else
		{
			for (size_t x = a; x < b; x++)
				for (size_t y = x + 1; y < b; y++)
				{
					if (ke[x].rec == ke[y].rec)
						continue;
					if (np == pcap)
					{
						pcap *= 2;
						pairs = repalloc_huge(pairs, sizeof(uint64) * pcap);
					}
					pairs[np++] = ((uint64) ke[x].rec << 32) | ke[y].rec;
				}
		}
		a = b;
		CHECK_FOR_INTERRUPTS();
	}
	pfree(ke);
	qsort(pairs, np, sizeof(uint64), cmp_u64);
	{
		size_t		u = 0;

		for (size_t i = 0; i < np; i++)
			if (u == 0 || pairs[u - 1] != pairs[i])
				pairs[u++] = pairs[i];
		np = u;
	}
	*out = pairs;
	return np;
}

/* a fixed-seed xorshift64*, so that training is reproducible */
static uint32
rnd(uint64 *state, uint32 n)
{
	uint64		x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return (uint32) (((x * UINT64CONST(2685821657736338717)) >> 33) % n);
}

static void
append_number(StringInfo sb, const char *key, double v)
{
	appendStringInfo(sb, ", \"%s\": %s", key, float8out_internal(v));
}

static int
cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * Counts the distinct normalised names of one field and stores their
 * share of the records in match_name_frequency.
 */
static int
store_frequencies(recset *rs, bool family, const char *schema)
{
	const char **names = MemoryContextAllocHuge(CurrentMemoryContext,
												sizeof(char *) * (rs->n + 1));
	int64		k = 0;
	int			nd = 0;
	Datum	   *nd_names;
	Datum	   *nd_freq;
	Datum		args[3];
	Oid			types[3] = {TEXTOID, TEXTARRAYOID, FLOAT8ARRAYOID};
	char	   *q;

	for (int64 i = 0; i < rs->n; i++)
	{
		const char *s;

		if (!rs->r[i].has_identity)
			continue;
		s = family ? rs->r[i].ident.family : rs->r[i].ident.given;
		if (s[0])
			names[k++] = s;
	}
	qsort(names, k, sizeof(char *), cmp_cstr);
	nd_names = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(Datum) * (k + 1));
	nd_freq = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(Datum) * (k + 1));
	for (int64 i = 0; i < k;)
	{
		int64		j = i;

		while (j < k && strcmp(names[j], names[i]) == 0)
			j++;
		nd_names[nd] = CStringGetTextDatum(pg_any_to_server(names[i], strlen(names[i]), PG_UTF8));
		nd_freq[nd] = Float8GetDatum((double) (j - i) / (double) rs->n);
		nd++;
		i = j;
	}
	if (nd == 0)
		return 0;
	args[0] = CStringGetTextDatum(family ? "family" : "given");
	args[1] = PointerGetDatum(construct_array(nd_names, nd, TEXTOID, -1, false, TYPALIGN_INT));
	args[2] = PointerGetDatum(construct_array(nd_freq, nd, FLOAT8OID, 8, FLOAT8PASSBYVAL,
											  TYPALIGN_DOUBLE));
	q = psprintf("INSERT INTO %s.match_name_frequency (field, name, frequency) "
				 "SELECT $1, n, f FROM unnest($2, $3) AS t(n, f)", schema);
	if (SPI_execute_with_args(q, 3, types, args, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "storing name frequencies failed");
	return nd;
}

static int
cmp_vec(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(cl_match_vector));
}

/* by serialised bytes: an order that does not depend on the query's */
static int
cmp_rec_bytes(const void *a, const void *b)
{
	const rec  *x = a;
	const rec  *y = b;
	int			c = memcmp(x->bytes, y->bytes, Min(x->len, y->len));

	if (c != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

/*
 * match_train(query text) -> jsonb
 *
 * The records are sorted by their bytes first, so that the random pairs,
 * the candidate pairs and so the estimates do not depend on the order in
 * which the query returns them.
 */
PG_FUNCTION_INFO_V1(match_train);
Datum
match_train(PG_FUNCTION_ARGS)
{
	char	   *query = text_to_cstring(PG_GETARG_TEXT_PP(0));
	Oid			nsp = match_namespace(fcinfo);
	Oid			idtype = match_identity_type(nsp);
	const char *schema = quote_identifier(get_namespace_name(nsp));
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "match_train",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	recset		rs;
	uint64	   *pairs;
	size_t		np;
	int64		skipped;
	cl_match_vector *vecs;
	cl_match_vector *rvecs;
	double	   *counts;
	size_t		nvec = 0;
	size_t		nrand;
	uint64		seed = UINT64CONST(0x9E3779B97F4A7C15);
	cl_match_model model;
	cl_em_options opt;
	cl_em_result res;
	cl_error	err;
	bool		observed[CL_MF_COUNT];
	int			nfam;
	int			ngiv;
	StringInfoData sb;
	Datum		result;
	int			nobserved = 0;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	load_records(query, idtype, false, cxt, &rs, "match_train");
	if (rs.n < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("match_train needs at least 2 identities, the query returned %lld",
						(long long) rs.n)));
	qsort(rs.r, rs.n, sizeof(rec), cmp_rec_bytes);
	np = block_pairs(&rs, &pairs, &skipped);
	if (np == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("match_train found no candidate pairs: no two identities share a blocking key")));

	/* u from random pairs (almost all non-matches) */
	nrand = MATCH_RANDOM_PAIRS;
	rvecs = MemoryContextAllocHuge(cxt, sizeof(cl_match_vector) * nrand);
	for (size_t k = 0; k < nrand; k++)
	{
		uint32		i = rnd(&seed, (uint32) rs.n);
		uint32		j = rnd(&seed, (uint32) rs.n);

		if (i == j)
			j = (j + 1) % (uint32) rs.n;
		cl_match_compare(&rs.r[i].ident, &rs.r[j].ident, &rvecs[k]);
	}
	cl_match_model_default(&model);
	cl_em_estimate_u(rvecs, NULL, nrand, &model);
	model.prior = 0.1;

	/* EM over the candidate pairs */
	vecs = MemoryContextAllocHuge(cxt, sizeof(cl_match_vector) * np);
	memset(observed, 0, sizeof(observed));
	for (size_t k = 0; k < np; k++)
	{
		cl_match_compare(&rs.r[pairs[k] >> 32].ident,
						 &rs.r[pairs[k] & 0xffffffff].ident, &vecs[k]);
		for (int f = 0; f < CL_MF_COUNT; f++)
			if (!cl_match_field_info((cl_match_field) f)->level_null[vecs[k].level[f]])
				observed[f] = true;
		if ((k & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	/* EM over the distinct comparison vectors with their counts: the same
	 * estimates, in a time that does not grow with the number of pairs */
	qsort(vecs, np, sizeof(cl_match_vector), cmp_vec);
	counts = MemoryContextAllocHuge(cxt, sizeof(double) * np);
	for (size_t k = 0; k < np; k++)
	{
		if (nvec > 0 && memcmp(&vecs[nvec - 1], &vecs[k], sizeof(cl_match_vector)) == 0)
			counts[nvec - 1] += 1.0;
		else
		{
			vecs[nvec] = vecs[k];
			counts[nvec++] = 1.0;
		}
	}
	cl_em_options_default(&opt);
	cl_error_clear(&err);
	if (!cl_em_estimate(vecs, counts, nvec, &opt, &model, &res, &err))
		cl_pg_raise(&err, NULL);

	/* store: fields the data never fills keep the shipped defaults */
	{
		int			cap = CL_MF_COUNT * CL_MATCH_MAX_LEVELS + 1;
		Datum	   *fields = palloc(sizeof(Datum) * cap);
		Datum	   *levels = palloc(sizeof(Datum) * cap);
		Datum	   *ms = palloc(sizeof(Datum) * cap);
		Datum	   *us = palloc(sizeof(Datum) * cap);
		int			n = 0;
		Datum		args[4];
		Oid			types[4] = {TEXTARRAYOID, TEXTARRAYOID, FLOAT8ARRAYOID, FLOAT8ARRAYOID};
		char	   *q;

		for (int f = 0; f < CL_MF_COUNT; f++)
		{
			const cl_match_field_def *d = cl_match_field_info((cl_match_field) f);

			if (!observed[f])
				continue;
			nobserved++;
			for (int l = 0; l < d->n_levels; l++)
			{
				if (d->level_null[l])
					continue;
				fields[n] = CStringGetTextDatum(d->name);
				levels[n] = CStringGetTextDatum(d->level_names[l]);
				ms[n] = Float8GetDatum(model.m[f][l]);
				us[n] = Float8GetDatum(model.u[f][l]);
				n++;
			}
		}
		fields[n] = CStringGetTextDatum("prior");
		levels[n] = CStringGetTextDatum("match");
		ms[n] = Float8GetDatum(model.prior);
		us[n] = Float8GetDatum(1.0 - model.prior);
		n++;
		q = psprintf("DELETE FROM %s.match_model", schema);
		if (SPI_execute(q, false, 0) != SPI_OK_DELETE)
			elog(ERROR, "clearing match_model failed");
		args[0] = PointerGetDatum(construct_array(fields, n, TEXTOID, -1, false, TYPALIGN_INT));
		args[1] = PointerGetDatum(construct_array(levels, n, TEXTOID, -1, false, TYPALIGN_INT));
		args[2] = PointerGetDatum(construct_array(ms, n, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		args[3] = PointerGetDatum(construct_array(us, n, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		q = psprintf("INSERT INTO %s.match_model (field, level, m, u) "
					 "SELECT * FROM unnest($1, $2, $3, $4)", schema);
		if (SPI_execute_with_args(q, 4, types, args, NULL, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "storing match_model failed");
		q = psprintf("DELETE FROM %s.match_name_frequency", schema);
		if (SPI_execute(q, false, 0) != SPI_OK_DELETE)
			elog(ERROR, "clearing match_name_frequency failed");
		nfam = store_frequencies(&rs, true, schema);
		ngiv = store_frequencies(&rs, false, schema);
	}

	MemoryContextSwitchTo(cxt);
	initStringInfo(&sb);
	appendStringInfo(&sb, "{\"records\": %lld, \"candidate_pairs\": %zu, "
					 "\"skipped_common_keys\": %lld, \"distinct_vectors\": %zu, \"random_pairs\": %zu, "
					 "\"iterations\": %d, \"converged\": %s",
					 (long long) rs.n, np, (long long) skipped, nvec, nrand,
					 res.iterations, res.converged ? "true" : "false");
	append_number(&sb, "max_change", res.max_change);
	append_number(&sb, "log_likelihood", res.log_likelihood);
	append_number(&sb, "match_share", res.match_share);
	appendStringInfoString(&sb, ", \"fields_estimated\": [");
	for (int f = 0, k = 0; f < CL_MF_COUNT; f++)
		if (observed[f])
			appendStringInfo(&sb, "%s\"%s\"", k++ ? ", " : "",
							 cl_match_field_info((cl_match_field) f)->name);
	appendStringInfo(&sb, "], \"family_names\": %d, \"given_names\": %d}", nfam, ngiv);
	(void) nobserved;

	SPI_finish();
	MemoryContextSwitchTo(old);
	result = DirectFunctionCall1(jsonb_in, CStringGetDatum(sb.data));
	MemoryContextDelete(cxt);
	PG_RETURN_DATUM(result);
}

/*
 * match_clusters(query text, threshold float8) -> TABLE(id text, cluster_id text)
 */
static int
cmp_rec_id(const void *a, const void *b)
{
	return strcmp(((const rec *) a)->id, ((const rec *) b)->id);
}

PG_FUNCTION_INFO_V1(match_clusters);
Datum
match_clusters(PG_FUNCTION_ARGS)
{
	char	   *query = text_to_cstring(PG_GETARG_TEXT_PP(0));
	double		threshold = PG_GETARG_FLOAT8(1);
	Oid			nsp = match_namespace(fcinfo);
	Oid			idtype;
	Tuplestorestate *store;
	TupleDesc	td;
	MemoryContext cxt;
	MemoryContext old;
	recset		rs;
	uint64	   *pairs;
	size_t		np;
	int64		skipped;
	match_context *mc;
	uint32	   *left;
	uint32	   *right;
	double	   *prob;
	size_t		nl = 0;
	uint32	   *cluster;
	cl_error	err;
	cl_allocator alloc;

	match_check_threshold(threshold, "the threshold of match_clusters");
	td = cl_pg_materialize_srf(fcinfo, &store);
	idtype = match_identity_type(nsp);
	cxt = AllocSetContextCreate(CurrentMemoryContext, "match_clusters",
								ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);
	mc = match_context_create(cxt, nsp, true);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	load_records(query, idtype, true, cxt, &rs, "match_clusters");
	SPI_finish();

	/* records in id order: the smallest index of a component is its
	 * smallest id */
	qsort(rs.r, rs.n, sizeof(rec), cmp_rec_id);
	np = rs.n > 1 ? block_pairs(&rs, &pairs, &skipped) : 0;
	left = MemoryContextAllocHuge(cxt, sizeof(uint32) * (np + rs.n + 1));
	right = MemoryContextAllocHuge(cxt, sizeof(uint32) * (np + rs.n + 1));
	prob = MemoryContextAllocHuge(cxt, sizeof(double) * (np + rs.n + 1));
	for (size_t k = 0; k < np; k++)
	{
		uint32		i = (uint32) (pairs[k] >> 32);
		uint32		j = (uint32) (pairs[k] & 0xffffffff);
		double		s = match_score_pair(mc, &rs.r[i].ident, &rs.r[j].ident, NULL);
		double		p = cl_match_probability(&mc->model, s);

		if (p >= threshold)
		{
			left[nl] = i;
			right[nl] = j;
			prob[nl] = p;
			nl++;
		}
		if ((k & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	/* rows with the same id are one record */
	for (int64 i = 1; i < rs.n; i++)
		if (strcmp(rs.r[i - 1].id, rs.r[i].id) == 0)
		{
			left[nl] = (uint32) (i - 1);
			right[nl] = (uint32) i;
			prob[nl] = 1.0;
			nl++;
		}
	cluster = MemoryContextAllocHuge(cxt, sizeof(uint32) * (rs.n + 1));
	cl_pg_allocator_init(&alloc, cxt);
	cl_error_clear(&err);
	if (rs.n > 0 &&
		!cl_cluster_pairs((size_t) rs.n, left, right, prob, nl, threshold, &alloc,
						  cluster, &err))
		cl_pg_raise(&err, NULL);
	MemoryContextSwitchTo(old);
	for (int64 i = 0; i < rs.n; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		if (i > 0 && strcmp(rs.r[i - 1].id, rs.r[i].id) == 0)
			continue;
		values[0] = CStringGetTextDatum(rs.r[i].id);
		values[1] = CStringGetTextDatum(rs.r[cluster[i]].id);
		tuplestore_putvalues(store, td, values, nulls);
	}
	MemoryContextDelete(cxt);
	return (Datum) 0;
}
