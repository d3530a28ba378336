/*
 * match_funcs.c
 *		Patient matching functions: the building blocks (name_normalize,
 *		name_nysiis, name_dmetaphone, name_canonical, name_is_nickname,
 *		jaro_winkler, date_similarity), the model and term frequencies read
 *		from the extension's tables, match_score, match_probability,
 *		match_explain, the operator % and match(a, b, threshold).
 *
 * The model in force is the core's shipped defaults overridden by the rows
 * of match_model; it is read once per query and cached in fn_extra with
 * the term frequencies looked up so far (match_name_frequency).
 */
#include "pg_clinical.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"

#include "match_pg.h"

double		cl_match_threshold = 0.9;
int			cl_match_max_block = 100;

void
cl_match_init_gucs(void)
{
	DefineCustomRealVariable("pg_clinical.match_threshold",
							 "Match probability at or above which patient_identity % patient_identity is true.",
							 "A probability in [0, 1]; the function match(a, b, threshold) takes it as an argument.",
							 &cl_match_threshold,
							 0.9, 0.0, 1.0,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("pg_clinical.match_max_block",
							"Blocking keys shared by more records are skipped by match_train and match_clusters.",
							"A key shared by n records makes n(n-1)/2 candidate pairs; common keys carry "
							"little evidence, and true duplicates still meet through their other keys.",
							&cl_match_max_block,
							100, 2, 1000000,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);
}

void
match_check_threshold(double p, const char *what)
{
	if (isnan(p) || p < 0.0 || p > 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a match probability between 0 and 1", what)));
}

Oid
match_namespace(FunctionCallInfo fcinfo)
{
	return get_func_namespace(fcinfo->flinfo->fn_oid);
}

Oid
match_identity_type(Oid nsp)
{
	Oid			t = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
									CStringGetDatum("patient_identity"),
									ObjectIdGetDatum(nsp));

	if (!OidIsValid(t))
		elog(ERROR, "type patient_identity not found in the extension's schema");
	return t;
}

/* ------------------------------------------------------------------------
 * Blocking keys
 * ------------------------------------------------------------------------ */

static int
cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

int
match_block_keys(const cl_identity *id, char ***keys)
{
	cl_buf		buf;
	int			n;
	int			u = 0;
	char	  **k;
	size_t		p = 0;

	cl_buf_init(&buf, &cl_pg_palloc_allocator, 256);
	n = cl_block_keys(id, &buf);
	if (n < 0)
		elog(ERROR, "out of memory computing blocking keys");
	k = palloc(sizeof(char *) * (n + 1));
	for (int i = 0; i < n; i++)
	{
		k[i] = buf.data + p;
		p += strlen(k[i]) + 1;
	}
	qsort(k, n, sizeof(char *), cmp_cstr);
	for (int i = 0; i < n; i++)
		if (u == 0 || strcmp(k[u - 1], k[i]) != 0)
			k[u++] = k[i];
	*keys = k;
	return u;
}

bool
match_share_key(const cl_identity *a, const cl_identity *b)
{
	char	  **ka;
	char	  **kb;
	int			na = match_block_keys(a, &ka);
	int			nb = match_block_keys(b, &kb);
	int			i = 0;
	int			j = 0;

	while (i < na && j < nb)
	{
		int			c = strcmp(ka[i], kb[j]);

		if (c == 0)
			return true;
		if (c < 0)
			i++;
		else
			j++;
	}
	return false;
}

/* ------------------------------------------------------------------------
 * The model and term frequencies
 * ------------------------------------------------------------------------ */

#define TF_KEYLEN 128

typedef struct tf_entry
{
	char		key[TF_KEYLEN];	/* field letter, ':', name */
	double		freq;
} tf_entry;

static bool
tf_key(char field, const char *name, char *key)
{
	size_t		l = strlen(name);

	if (l + 3 > TF_KEYLEN)
		return false;			/* too long for the cache: no adjustment */
	key[0] = field;
	key[1] = ':';
	memcpy(key + 2, name, l + 1);
	memset(key + 3 + l, 0, TF_KEYLEN - 3 - l);
	return true;
}

static int
field_index(const char *name)
{
	for (int f = 0; f < CL_MF_COUNT; f++)
		if (strcmp(cl_match_field_info((cl_match_field) f)->name, name) == 0)
			return f;
	return -1;
}

static int
level_index(int f, const char *name)
{
	const cl_match_field_def *d = cl_match_field_info((cl_match_field) f);

	for (int l = 0; l < d->n_levels; l++)
		if (!d->level_null[l] && strcmp(d->level_names[l], name) == 0)
			return l;
	return -1;
}

static void
free_tf_plan(void *arg)
{
	match_context *mc = arg;

	if (mc->tf_plan)
		SPI_freeplan(mc->tf_plan);
	mc->tf_plan = NULL;
}

match_context *
match_context_create(MemoryContext cxt, Oid nsp, bool all_tf)
{
	match_context *mc = MemoryContextAllocZero(cxt, sizeof(match_context));
	const char *schema = quote_identifier(get_namespace_name(nsp));
	char	   *q;
	HASHCTL		ctl;
	cl_error	err;
	MemoryContext old;

	mc->cxt = cxt;
	mc->nsp = nsp;
	cl_match_model_default(&mc->model);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	q = psprintf("SELECT field, level, m, u FROM %s.match_model", schema);
	if (SPI_execute(q, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading match_model failed");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	t = SPI_tuptable->vals[i];
		TupleDesc	td = SPI_tuptable->tupdesc;
		char	   *field = SPI_getvalue(t, td, 1);
		char	   *level = SPI_getvalue(t, td, 2);
		bool		mnull,
					unull;
		double		m = DatumGetFloat8(SPI_getbinval(t, td, 3, &mnull));
		double		u = DatumGetFloat8(SPI_getbinval(t, td, 4, &unull));
		int			f;
		int			l;

		if (field && strcmp(field, "prior") == 0 && level && strcmp(level, "match") == 0)
		{
			mc->model.prior = m;
			continue;
		}
		f = field ? field_index(field) : -1;
		l = f >= 0 && level ? level_index(f, level) : -1;
		if (f < 0 || l < 0 || mnull || unull)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid row in match_model: field \"%s\", level \"%s\"",
							field ? field : "", level ? level : ""),
					 errhint("Fields and levels are those of match_model_current(); the prior is the row ('prior', 'match').")));
		mc->model.m[f][l] = m;
		mc->model.u[f][l] = u;
	}
	cl_error_clear(&err);
	if (!cl_match_model_check(&mc->model, &err))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid match model: %s", err.message)));
	cl_match_scorer_init(&mc->scorer, &mc->model);

	q = psprintf("SELECT EXISTS (SELECT 1 FROM %s.match_name_frequency)", schema);
	if (SPI_execute(q, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading match_name_frequency failed");
	{
		bool		isnull;

		mc->has_tf = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
												SPI_tuptable->tupdesc, 1, &isnull));
	}
	if (mc->has_tf)
	{
		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = TF_KEYLEN;
		ctl.entrysize = sizeof(tf_entry);
		ctl.hcxt = cxt;
		mc->tf = hash_create("pg_clinical term frequencies", all_tf ? 4096 : 64, &ctl,
							 HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	}
	if (mc->has_tf && all_tf)
	{
		Portal		portal;
		SPIPlanPtr	plan;

		q = psprintf("SELECT field, name, frequency FROM %s.match_name_frequency", schema);
		plan = SPI_prepare(q, 0, NULL);
		if (plan == NULL)
			elog(ERROR, "reading match_name_frequency failed");
		portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
		for (;;)
		{
			SPI_cursor_fetch(portal, true, 10000);
			if (SPI_processed == 0)
				break;
			for (uint64 i = 0; i < SPI_processed; i++)
			{
				HeapTuple	t = SPI_tuptable->vals[i];
				TupleDesc	td = SPI_tuptable->tupdesc;
				char	   *field = SPI_getvalue(t, td, 1);
				char	   *name = SPI_getvalue(t, td, 2);
				bool		isnull;
				double		fr = DatumGetFloat8(SPI_getbinval(t, td, 3, &isnull));
				char		key[TF_KEYLEN];
				tf_entry   *e;

				if (!field || !name || isnull || !tf_key(field[0], name, key))
					continue;
				e = hash_search(mc->tf, key, HASH_ENTER, NULL);
				e->freq = fr;
			}
			SPI_freetuptable(SPI_tuptable);
		}
		SPI_cursor_close(portal);
		mc->tf_loaded = true;
	}
	else if (mc->has_tf)
	{
		Oid			types[2] = {TEXTOID, TEXTOID};
		MemoryContextCallback *cb;

		q = psprintf("SELECT frequency FROM %s.match_name_frequency WHERE field = $1 AND name = $2",
					 schema);
		mc->tf_plan = SPI_prepare(q, 2, types);
		if (mc->tf_plan == NULL)
			elog(ERROR, "preparing the term-frequency lookup failed");
		SPI_keepplan(mc->tf_plan);
		old = MemoryContextSwitchTo(cxt);
		cb = palloc(sizeof(MemoryContextCallback));
		MemoryContextSwitchTo(old);
		cb->func = free_tf_plan;
		cb->arg = mc;
		MemoryContextRegisterResetCallback(cxt, cb);
	}
	SPI_finish();
	return mc;
}

match_context *
match_context_get(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra =
			match_context_create(fcinfo->flinfo->fn_mcxt, match_namespace(fcinfo), false);
	return fcinfo->flinfo->fn_extra;
}

static double
tf_lookup(match_context *mc, char field, const char *fieldname, const char *name)
{
	char		key[TF_KEYLEN];
	tf_entry   *e;
	bool		found;
	Datum		args[2];
	double		fr = 0.0;

	if (!name[0] || !tf_key(field, name, key))
		return 0.0;
	e = hash_search(mc->tf, key, HASH_FIND, NULL);
	if (e)
		return e->freq;
	if (mc->tf_loaded || mc->tf_plan == NULL)
		return 0.0;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	args[0] = CStringGetTextDatum(fieldname);
	args[1] = CStringGetTextDatum(name);
	if (SPI_execute_plan(mc->tf_plan, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "term-frequency lookup failed");
	if (SPI_processed > 0)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			fr = DatumGetFloat8(d);
	}
	SPI_finish();
	e = hash_search(mc->tf, key, HASH_ENTER, &found);
	e->freq = fr;
	return fr;
}

void
match_fill_tf(match_context *mc, const cl_identity *a, const cl_match_vector *vec,
			  cl_match_tf *tf)
{
	memset(tf, 0, sizeof(*tf));
	if (!mc->has_tf)
		return;
	if (vec->level[CL_MF_FAMILY] == cl_match_field_info(CL_MF_FAMILY)->tf_level)
		tf->freq[CL_MF_FAMILY] = tf_lookup(mc, 'f', "family", a->family);
	if (vec->level[CL_MF_GIVEN] == cl_match_field_info(CL_MF_GIVEN)->tf_level)
		tf->freq[CL_MF_GIVEN] = tf_lookup(mc, 'g', "given", a->given);
}

double
match_score_pair(match_context *mc, const cl_identity *a, const cl_identity *b,
				 cl_match_explanation *ex)
{
	cl_match_vector vec;
	cl_match_tf tf;

	cl_match_compare(a, b, &vec);
	match_fill_tf(mc, a, &vec, &tf);
	return cl_match_score_vector(&mc->model, &vec, &tf, ex);
}

bool
match_pair_reaches(match_context *mc, const cl_identity *a, const cl_identity *b,
				   double min_score, double *score)
{
	cl_match_vector vec;
	cl_match_tf tf;

	if (!cl_match_compare_bounded(&mc->scorer, a, b, min_score, &vec))
		return false;
	match_fill_tf(mc, a, &vec, &tf);
	*score = cl_match_score_vector(&mc->model, &vec, &tf, NULL);
	return *score >= min_score;
}

/* ------------------------------------------------------------------------
 * Building blocks
 * ------------------------------------------------------------------------ */

/* text as UTF-8 (a palloc'd copy unless the database is UTF-8) */
static const char *
text_utf8(text *t, size_t *len)
{
	const char *s = VARDATA_ANY(t);
	int			l = VARSIZE_ANY_EXHDR(t);
	const char *u = pg_server_to_any(s, l, PG_UTF8);

	*len = (u == s) ? (size_t) l : strlen(u);
	return u;
}

static text *
utf8_text(const char *s, size_t len)
{
	const char *v = pg_any_to_server(s, (int) len, PG_UTF8);

	return cstring_to_text_with_len(v, v == s ? (int) len : (int) strlen(v));
}

static void
normalize_name(text *t, cl_buf *out)
{
	char	   *u = match_nfkd(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));

	cl_buf_init(out, &cl_pg_palloc_allocator, strlen(u) + 16);
	if (!cl_name_normalize(u, strlen(u), out))
		elog(ERROR, "out of memory normalising a name");
}

PG_FUNCTION_INFO_V1(match_name_normalize);
Datum
match_name_normalize(PG_FUNCTION_ARGS)
{
	cl_buf		buf;

	normalize_name(PG_GETARG_TEXT_PP(0), &buf);
	PG_RETURN_TEXT_P(utf8_text(buf.data, buf.len));
}

PG_FUNCTION_INFO_V1(match_name_nysiis);
Datum
match_name_nysiis(PG_FUNCTION_ARGS)
{
	size_t		len;
	const char *s = text_utf8(PG_GETARG_TEXT_PP(0), &len);
	cl_buf		buf;

	cl_buf_init(&buf, &cl_pg_palloc_allocator, 32);
	if (!cl_nysiis(s, len, 0, &buf))
		elog(ERROR, "out of memory computing NYSIIS");
	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf.data, (int) buf.len));
}

PG_FUNCTION_INFO_V1(match_name_dmetaphone);
Datum
match_name_dmetaphone(PG_FUNCTION_ARGS)
{
	size_t		len;
	const char *s = text_utf8(PG_GETARG_TEXT_PP(0), &len);
	char		primary[CL_DMETAPHONE_LEN + 1];
	char		alternate[CL_DMETAPHONE_LEN + 1];
	TupleDesc	td;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "name_dmetaphone must return a record");
	td = BlessTupleDesc(td);
	cl_dmetaphone(s, len, primary, alternate);
	values[0] = CStringGetTextDatum(primary);
	values[1] = CStringGetTextDatum(alternate);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(td, values, nulls)));
}

PG_FUNCTION_INFO_V1(match_name_canonical);
Datum
match_name_canonical(PG_FUNCTION_ARGS)
{
	cl_buf		norm;
	cl_buf		out;
	int			n;
	Datum	   *elems;
	char	   *p;

	normalize_name(PG_GETARG_TEXT_PP(0), &norm);
	cl_buf_init(&out, &cl_pg_palloc_allocator, 64);
	n = cl_name_canonical(norm.data, norm.len, '\n', &out);
	if (n < 0)
		elog(ERROR, "out of memory in name_canonical");
	elems = palloc(sizeof(Datum) * (n + 1));
	p = out.data;
	for (int i = 0; i < n; i++)
	{
		char	   *e = (i + 1 < n) ? strchr(p, '\n') : p + strlen(p);

		if (e == NULL)
			e = p + strlen(p);
		elems[i] = PointerGetDatum(utf8_text(p, e - p));
		p = e + 1;
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

PG_FUNCTION_INFO_V1(match_name_is_nickname);
Datum
match_name_is_nickname(PG_FUNCTION_ARGS)
{
	cl_buf		a;
	cl_buf		b;

	normalize_name(PG_GETARG_TEXT_PP(0), &a);
	normalize_name(PG_GETARG_TEXT_PP(1), &b);
	PG_RETURN_BOOL(cl_nickname_match(a.data, a.len, b.data, b.len));
}

PG_FUNCTION_INFO_V1(match_jaro_winkler);
Datum
match_jaro_winkler(PG_FUNCTION_ARGS)
{
	size_t		la,
				lb;
	const char *a = text_utf8(PG_GETARG_TEXT_PP(0), &la);
	const char *b = text_utf8(PG_GETARG_TEXT_PP(1), &lb);

	PG_RETURN_FLOAT8(cl_jaro_winkler(a, la, b, lb));
}

/* a date argument as year, month, day; NULL is 0/0/0 (missing) */
static void
date_arg(FunctionCallInfo fcinfo, int n, int *y, int *m, int *d)
{
	DateADT		v;

	*y = *m = *d = 0;
	if (PG_ARGISNULL(n))
		return;
	v = PG_GETARG_DATEADT(n);
	if (DATE_NOT_FINITE(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("date_similarity needs finite dates")));
	j2date(v + POSTGRES_EPOCH_JDATE, y, m, d);
	if (*y < 1 || *y > 9999)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("date_similarity needs dates in the years 1 to 9999")));
}

PG_FUNCTION_INFO_V1(match_date_similarity);
Datum
match_date_similarity(PG_FUNCTION_ARGS)
{
	int			y1,
				m1,
				d1,
				y2,
				m2,
				d2;

	date_arg(fcinfo, 0, &y1, &m1, &d1);
	date_arg(fcinfo, 1, &y2, &m2, &d2);
	PG_RETURN_TEXT_P(cstring_to_text(cl_date_level_name(cl_date_similarity(y1, m1, d1,
																		   y2, m2, d2))));
}

/* ------------------------------------------------------------------------
 * Scores
 * ------------------------------------------------------------------------ */

static double
score_args(FunctionCallInfo fcinfo, match_context **mcp, cl_match_explanation *ex)
{
	match_context *mc = match_context_get(fcinfo);
	cl_identity a;
	cl_identity b;

	match_identity_view(PG_GETARG_IDENTITY_P(0), &a);
	match_identity_view(PG_GETARG_IDENTITY_P(1), &b);
	if (mcp)
		*mcp = mc;
	return match_score_pair(mc, &a, &b, ex);
}

PG_FUNCTION_INFO_V1(match_score);
Datum
match_score(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(score_args(fcinfo, NULL, NULL));
}

PG_FUNCTION_INFO_V1(match_probability);
Datum
match_probability(PG_FUNCTION_ARGS)
{
	match_context *mc;
	double		s = score_args(fcinfo, &mc, NULL);

	PG_RETURN_FLOAT8(cl_match_probability(&mc->model, s));
}

static void
append_number(StringInfo sb, double v)
{
	appendStringInfoString(sb, float8out_internal(v));
}

PG_FUNCTION_INFO_V1(match_explain);
Datum
match_explain(PG_FUNCTION_ARGS)
{
	match_context *mc;
	cl_match_explanation ex;
	StringInfoData sb;

	score_args(fcinfo, &mc, &ex);
	initStringInfo(&sb);
	appendStringInfoString(&sb, "{\"score\": ");
	append_number(&sb, ex.score);
	appendStringInfoString(&sb, ", \"prior\": ");
	append_number(&sb, mc->model.prior);
	appendStringInfoString(&sb, ", \"prior_weight\": ");
	append_number(&sb, ex.prior_weight);
	appendStringInfoString(&sb, ", \"probability\": ");
	append_number(&sb, ex.probability);
	appendStringInfoString(&sb, ", \"fields\": {");
	for (int f = 0; f < CL_MF_COUNT; f++)
	{
		const cl_match_term *t = &ex.terms[f];
		const cl_match_field_def *d = cl_match_field_info((cl_match_field) f);
		bool		null_level = d->level_null[t->level_index];

		if (f > 0)
			appendStringInfoString(&sb, ", ");
		appendStringInfo(&sb, "\"%s\": {\"level\": \"%s\", \"m\": ", t->field, t->level);
		if (null_level)
			appendStringInfoString(&sb, "null, \"u\": null");
		else
		{
			append_number(&sb, t->m);
			appendStringInfoString(&sb, ", \"u\": ");
			append_number(&sb, t->u);
		}
		appendStringInfoString(&sb, ", \"weight\": ");
		append_number(&sb, t->weight);
		if (t->tf_adjusted)
			appendStringInfoString(&sb, ", \"tf_adjusted\": true");
		appendStringInfoChar(&sb, '}');
	}
	appendStringInfoString(&sb, "}}");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(sb.data)));
}

/*
 * a % b and match(a, b, threshold): a probable match -- the two identities
 * share a blocking key (so that an index scan and a sequential scan return
 * the same rows) and their match probability reaches the threshold.
 */
static bool
match_common(FunctionCallInfo fcinfo, double threshold)
{
	match_context *mc = match_context_get(fcinfo);
	cl_identity a;
	cl_identity b;
	double		s;

	match_identity_view(PG_GETARG_IDENTITY_P(0), &a);
	match_identity_view(PG_GETARG_IDENTITY_P(1), &b);
	if (threshold < 1.0)
	{
		/* an early exit for the many candidates far below the threshold */
		if (!match_pair_reaches(mc, &a, &b,
								cl_match_score_for_probability(&mc->model, threshold) - 1e-9,
								&s))
			return false;
	}
	else
		s = match_score_pair(mc, &a, &b, NULL);
	if (cl_match_probability(&mc->model, s) < threshold)
		return false;
	return match_share_key(&a, &b);
}

PG_FUNCTION_INFO_V1(match_op);
Datum
match_op(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(match_common(fcinfo, cl_match_threshold));
}

PG_FUNCTION_INFO_V1(match_with_threshold);
Datum
match_with_threshold(PG_FUNCTION_ARGS)
{
	double		t = PG_GETARG_FLOAT8(2);

	match_check_threshold(t, "the threshold");
	PG_RETURN_BOOL(match_common(fcinfo, t));
}

/* match_blocking_keys(identity) -> text[]: the keys the index stores */
PG_FUNCTION_INFO_V1(match_blocking_keys);
Datum
match_blocking_keys(PG_FUNCTION_ARGS)
{
	cl_identity id;
	char	  **keys;
	int			n;
	Datum	   *elems;

	match_identity_view(PG_GETARG_IDENTITY_P(0), &id);
	n = match_block_keys(&id, &keys);
	elems = palloc(sizeof(Datum) * (n + 1));
	for (int i = 0; i < n; i++)
		elems[i] = PointerGetDatum(utf8_text(keys[i], strlen(keys[i])));
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * match_model_current() -> TABLE(field, level, m, u, weight): the model in
 * force (shipped defaults overridden by match_model), with the prior as
 * the row ('prior', 'match', prior, 1 - prior, log2 prior odds).
 */
PG_FUNCTION_INFO_V1(match_model_current);
Datum
match_model_current(PG_FUNCTION_ARGS)
{
	Tuplestorestate *store;
	TupleDesc	td = cl_pg_materialize_srf(fcinfo, &store);
	match_context *mc = match_context_create(CurrentMemoryContext,
											 match_namespace(fcinfo), false);
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};

	for (int f = 0; f < CL_MF_COUNT; f++)
	{
		const cl_match_field_def *d = cl_match_field_info((cl_match_field) f);

		for (int l = 0; l < d->n_levels; l++)
		{
			if (d->level_null[l])
				continue;
			values[0] = CStringGetTextDatum(d->name);
			values[1] = CStringGetTextDatum(d->level_names[l]);
			values[2] = Float8GetDatum(mc->model.m[f][l]);
			values[3] = Float8GetDatum(mc->model.u[f][l]);
			values[4] = Float8GetDatum(log2(mc->model.m[f][l] / mc->model.u[f][l]));
			tuplestore_putvalues(store, td, values, nulls);
		}
	}
	values[0] = CStringGetTextDatum("prior");
	values[1] = CStringGetTextDatum("match");
	values[2] = Float8GetDatum(mc->model.prior);
	values[3] = Float8GetDatum(1.0 - mc->model.prior);
	values[4] = Float8GetDatum(log2(mc->model.prior / (1.0 - mc->model.prior)));
	tuplestore_putvalues(store, td, values, nulls);
	return (Datum) 0;
}
