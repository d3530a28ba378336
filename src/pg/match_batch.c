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

/*
 * The candidate pairs of the records: every record's blocking keys hashed
 * to 64 bits, then the core's cl_pair_index, which returns each distinct
 * pair of records sharing a key once (keys shared by more than
 * pg_clinical.match_max_block records are skipped) without storing them.
 * The arrays live in the current memory context.
 */
static void
build_pair_index(recset *rs, cl_pair_index *pi)
{
	uint32	   *off = MemoryContextAllocHuge(CurrentMemoryContext,
											 sizeof(uint32) * (rs->n + 1));
	size_t		cap = (size_t) rs->n * 16 + 16;
	uint64	   *keys = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(uint64) * cap);
	uint64		tmp[CL_BLOCK_MAX_KEYS];
	cl_buf		scratch;

	cl_buf_init(&scratch, &cl_pg_palloc_allocator, 256);
	off[0] = 0;
	for (int64 i = 0; i < rs->n; i++)
	{
		int			k = 0;

		if (rs->r[i].has_identity)
		{
			k = cl_block_key_hashes(&rs->r[i].ident, &scratch, tmp);
			if (k < 0)
				elog(ERROR, "out of memory computing blocking keys");
		}
		if ((size_t) off[i] + k > cap)
		{
			cap *= 2;
			keys = repalloc_huge(keys, sizeof(uint64) * cap);
		}
		if ((size_t) off[i] + k > PG_UINT32_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many blocking keys: at most %u", PG_UINT32_MAX)));
		memcpy(keys + off[i], tmp, sizeof(uint64) * k);
		off[i + 1] = off[i] + (uint32) k;
		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	cl_buf_free(&scratch);
	memset(pi, 0, sizeof(*pi));
	pi->n_records = (size_t) rs->n;
	pi->rec_off = off;
	pi->rec_keys = keys;
	pi->entries = MemoryContextAllocHuge(CurrentMemoryContext,
										 sizeof(cl_block_entry) * ((size_t) off[rs->n] + 1));
	pi->max_block = (size_t) cl_match_max_block;
	cl_pair_index_prepare(pi);
}

/* a fixed-seed xorshift64*, so that training is reproducible */
static uint64
rnd64(uint64 *state)
{
	uint64		x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * UINT64CONST(2685821657736338717);
}

static uint32
rnd(uint64 *state, uint32 n)
{
	return (uint32) ((rnd64(state) >> 33) % n);
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
 * match_train(query text, sample_pairs int) -> jsonb
 *
 * The records are sorted by their bytes first, so that the random pairs,
 * the candidate pairs, the sample and so the estimates do not depend on
 * the order in which the query returns them.  EM runs over a uniform
 * sample of at most sample_pairs distinct candidate pairs (reservoir
 * sampling with a fixed seed), as Splink does: the estimates of m, u and
 * the match share need a few million pairs, not every pair of a large
 * table.
 */
PG_FUNCTION_INFO_V1(match_train);
Datum
match_train(PG_FUNCTION_ARGS)
{
	char	   *query = text_to_cstring(PG_GETARG_TEXT_PP(0));
	int32		sample_max = PG_NARGS() > 1 ? PG_GETARG_INT32(1) : 2000000;
	Oid			nsp = match_namespace(fcinfo);
	Oid			idtype = match_identity_type(nsp);
	const char *schema = quote_identifier(get_namespace_name(nsp));
	MemoryContext cxt;
	MemoryContext old;
	recset		rs;
	cl_pair_index pi;
	cl_pair_iter it;
	uint32		pi_i;
	uint32		pi_j;
	uint64	   *sample;
	size_t		ns = 0;
	uint64		np = 0;
	cl_match_vector *vecs;
	cl_match_vector *rvecs;
	double	   *counts;
	size_t		nvec = 0;
	size_t		nrand;
	uint64		seed = UINT64CONST(0x9E3779B97F4A7C15);
	cl_match_model model;
	double		random_u[CL_MF_COUNT][CL_MATCH_MAX_LEVELS];
	cl_em_options opt;
	cl_em_result res;
	cl_error	err;
	bool		observed[CL_MF_COUNT];
	int			nfam;
	int			ngiv;
	StringInfoData sb;
	Datum		result;

	if (sample_max < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sample_pairs must be at least 1")));
	cxt = AllocSetContextCreate(CurrentMemoryContext, "match_train",
								ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	load_records(query, idtype, false, cxt, &rs, "match_train");
	if (rs.n < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("match_train needs at least 2 identities, the query returned %lld",
						(long long) rs.n)));
	qsort(rs.r, rs.n, sizeof(rec), cmp_rec_bytes);
	build_pair_index(&rs, &pi);

	/* a uniform sample of the distinct candidate pairs (reservoir) */
	sample = MemoryContextAllocHuge(cxt, sizeof(uint64) *
									Min((uint64) sample_max, pi.raw_pairs + 1));
	cl_pair_iter_init(&it);
	while (cl_pair_next(&pi, &it, &pi_i, &pi_j))
	{
		uint64		pair = ((uint64) pi_i << 32) | pi_j;

		if (np < (uint64) sample_max)
			sample[ns++] = pair;
		else
		{
			uint64		r = rnd64(&seed) % (np + 1);

			if (r < (uint64) sample_max)
				sample[r] = pair;
		}
		np++;
		if ((np & 0xfffff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
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
	memcpy(random_u, model.u, sizeof(random_u));
	model.prior = 0.1;

	/* EM over the sampled candidate pairs */
	vecs = MemoryContextAllocHuge(cxt, sizeof(cl_match_vector) * (ns + 1));
	memset(observed, 0, sizeof(observed));
	for (size_t k = 0; k < ns; k++)
	{
		cl_match_compare(&rs.r[sample[k] >> 32].ident,
						 &rs.r[sample[k] & 0xffffffff].ident, &vecs[k]);
		for (int f = 0; f < CL_MF_COUNT; f++)
			if (!cl_match_field_info((cl_match_field) f)->level_null[vecs[k].level[f]])
				observed[f] = true;
		if ((k & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	/* EM over the distinct comparison vectors with their counts: the same
	 * estimates, in a time that does not grow with the number of pairs */
	qsort(vecs, ns, sizeof(cl_match_vector), cmp_vec);
	counts = MemoryContextAllocHuge(cxt, sizeof(double) * (ns + 1));
	for (size_t k = 0; k < ns; k++)
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

	/*
	 * The model stored: m as EM estimated it (the candidate pairs hold
	 * nearly every match, so m among them is m among all matches), u of the
	 * random pairs and, as the prior, the share of matches among all pairs
	 * (the matches EM found among the candidates over every pair of
	 * records).  EM's own u describe the non-matches among the candidates,
	 * and those depend on the blocking keys: keys that join records on a
	 * birth date and an initial make non-matches that agree on the birth
	 * date and the initial look ordinary, and the evidence of those
	 * agreements is lost.  A score against random pairs with the prior over
	 * all pairs is what a candidate found by any key, or by the index, is
	 * judged by (Splink does the same: u from random pairs, m from EM).
	 */
	memcpy(model.u, random_u, sizeof(random_u));
	{
		double		all_pairs = (double) rs.n * (double) (rs.n - 1) / 2.0;
		double		prior = res.match_share * (double) np / all_pairs;

		model.prior = Max(Min(prior, 0.5), 1e-12);
	}

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
	appendStringInfo(&sb, "{\"records\": %lld, \"candidate_pairs\": " UINT64_FORMAT ", "
					 "\"sampled_pairs\": %zu, "
					 "\"skipped_common_keys\": %zu, \"distinct_vectors\": %zu, \"random_pairs\": %zu, "
					 "\"iterations\": %d, \"converged\": %s",
					 (long long) rs.n, np, ns, pi.skipped_keys, nvec, nrand,
					 res.iterations, res.converged ? "true" : "false");
	append_number(&sb, "max_change", res.max_change);
	append_number(&sb, "log_likelihood", res.log_likelihood);
	append_number(&sb, "match_share", res.match_share);
	append_number(&sb, "prior", model.prior);
	appendStringInfoString(&sb, ", \"fields_estimated\": [");
	for (int f = 0, k = 0; f < CL_MF_COUNT; f++)
		if (observed[f])
			appendStringInfo(&sb, "%s\"%s\"", k++ ? ", " : "",
							 cl_match_field_info((cl_match_field) f)->name);
	appendStringInfo(&sb, "], \"family_names\": %d, \"given_names\": %d}", nfam, ngiv);

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
	match_context *mc;
	double		min_score;
	cl_union_find uf;
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
	cl_pg_allocator_init(&alloc, cxt);
	cl_error_clear(&err);
	if (!cl_uf_init(&uf, (size_t) rs.n, &alloc, &err))
		cl_pg_raise(&err, NULL);

	/*
	 * Every distinct candidate pair is compared with an early exit at the
	 * score the threshold needs (most candidate pairs are not matches, and
	 * most of them are settled without comparing names); the pairs that
	 * reach it are linked at once.  (A threshold of 1 is compared in full:
	 * probabilities round to 1 a little below an infinite score.)
	 */
	min_score = threshold >= 1.0 ? -INFINITY :
		cl_match_score_for_probability(&mc->model, threshold) - 1e-9;
	if (rs.n > 1)
	{
		cl_pair_index pi;
		cl_pair_iter it;
		uint32		i;
		uint32		j;
		uint64		k = 0;

		build_pair_index(&rs, &pi);
		cl_pair_iter_init(&it);
		while (cl_pair_next(&pi, &it, &i, &j))
		{
			double		s;

			if (match_pair_reaches(mc, &rs.r[i].ident, &rs.r[j].ident, min_score, &s) &&
				cl_match_probability(&mc->model, s) >= threshold)
				cl_uf_union(&uf, i, j);
			if ((++k & 65535) == 0)
				CHECK_FOR_INTERRUPTS();
		}
	}
	/* rows with the same id are one record */
	for (int64 i = 1; i < rs.n; i++)
		if (strcmp(rs.r[i - 1].id, rs.r[i].id) == 0)
			cl_uf_union(&uf, (uint32) (i - 1), (uint32) i);
	MemoryContextSwitchTo(old);
	for (int64 i = 0; i < rs.n; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		if (i > 0 && strcmp(rs.r[i - 1].id, rs.r[i].id) == 0)
			continue;
		values[0] = CStringGetTextDatum(rs.r[i].id);
		values[1] = CStringGetTextDatum(rs.r[cl_uf_cluster_id(&uf, (uint32) i)].id);
		tuplestore_putvalues(store, td, values, nulls);
	}
	MemoryContextDelete(cxt);
	return (Datum) 0;
}
