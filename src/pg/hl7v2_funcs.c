/*
 * hl7v2_funcs.c
 *		SQL functions over hl7v2 values: path access, segments, JSON form,
 *		editing, acknowledgements, escapes, message header fields.
 */
#include "hl7v2_pg.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(hl7v2_get);
PG_FUNCTION_INFO_V1(hl7v2_get_all);
PG_FUNCTION_INFO_V1(hl7v2_raw);
PG_FUNCTION_INFO_V1(hl7v2_segments);
PG_FUNCTION_INFO_V1(hl7v2_to_jsonb);
PG_FUNCTION_INFO_V1(hl7v2_from_jsonb);
PG_FUNCTION_INFO_V1(hl7v2_set);
PG_FUNCTION_INFO_V1(hl7v2_escape_text);
PG_FUNCTION_INFO_V1(hl7v2_unescape_text);
PG_FUNCTION_INFO_V1(hl7v2_message_type);
PG_FUNCTION_INFO_V1(hl7v2_control_id);
PG_FUNCTION_INFO_V1(hl7v2_version);

/* ---- compiled paths, cached per call site ------------------------------ */

typedef struct hl7v2_path_cache
{
	int			argno;
	int			len;			/* bytes of the cached path text */
	char	   *src;			/* the path text, in fn_mcxt */
	hl7_path	path;
} hl7v2_path_cache;

/*
 * Compiles the path in argument argno once per distinct value: a constant
 * path is compiled once per query, a varying one whenever it changes.
 */
const hl7_path *
hl7v2_cached_path(FunctionCallInfo fcinfo, int argno)
{
	text	   *t = PG_GETARG_TEXT_PP(argno);
	const char *s = VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);
	hl7v2_path_cache *c = (hl7v2_path_cache *) fcinfo->flinfo->fn_extra;
	cl_error	err;
	hl7_path	p;

	if (c != NULL && c->argno == argno && c->len == len &&
		memcmp(c->src, s, len) == 0)
		return &c->path;

	cl_error_clear(&err);
	if (!hl7_path_parse(s, (size_t) len, &p, &err))
		cl_pg_raise(&err, NULL);

	if (c == NULL || c->len < len)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		if (c == NULL)
			c = palloc0(sizeof(hl7v2_path_cache));
		else if (c->src)
			pfree(c->src);
		c->src = palloc(len + 1);
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = c;
	}
	c->argno = argno;
	c->len = len;
	memcpy(c->src, s, len);
	c->path = p;
	return &c->path;
}

/* decoded text of a value: NULL when absent or empty, '' for HL7 "" */
text *
hl7v2_value_text(const hl7_msg *m, hl7_span v, bool *isnull)
{
	cl_buf		buf;
	cl_error	err;

	*isnull = false;
	switch (hl7_value_classify(v))
	{
		case HL7_VALUE_ABSENT:
		case HL7_VALUE_EMPTY:
			*isnull = true;
			return NULL;
		case HL7_VALUE_NULL:
			return cstring_to_text_with_len("", 0);
		case HL7_VALUE_TEXT:
			break;
	}
	if (m->delims.escape == '\0' || memchr(v.ptr, m->delims.escape, v.len) == NULL)
		return cstring_to_text_with_len(v.ptr, (int) v.len);
	cl_error_clear(&err);
	cl_buf_init(&buf, &cl_pg_palloc_allocator, v.len + VARHDRSZ + 1);
	/* leave room for the varlena header in front of the decoded text */
	cl_buf_append(&buf, "\0\0\0\0", VARHDRSZ);
	if (!hl7_unescape(v.ptr, v.len, &m->delims, &buf, &err))
		cl_pg_raise(&err, NULL);
	SET_VARSIZE(buf.data, buf.len);
	return (text *) buf.data;
}

/* hl7_get(msg, path) and msg ->> path: first value, escapes decoded */
Datum
hl7v2_get(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_HL7V2_P(0);
	const hl7_path *p = hl7v2_cached_path(fcinfo, 1);
	hl7_msg		m;
	bool		isnull;
	text	   *r;

	hl7v2_view(v, &m);
	r = hl7v2_value_text(&m, hl7_get(&m, p), &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(r);
}

/* hl7_raw(msg, path): first value as encoded; NULL only when absent */
Datum
hl7v2_raw(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_HL7V2_P(0);
	const hl7_path *p = hl7v2_cached_path(fcinfo, 1);
	hl7_msg		m;
	hl7_span	s;

	hl7v2_view(v, &m);
	s = hl7_get(&m, p);
	if (s.ptr == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(s.ptr, (int) s.len));
}

typedef struct collect_state
{
	const hl7_msg *m;
	Datum	   *values;
	bool	   *nulls;
	int			n;
	int			cap;
} collect_state;

static bool
collect_span(void *arg, hl7_span value)
{
	collect_state *st = arg;
	bool		isnull;
	text	   *t;

	if (st->n == st->cap)
	{
		st->cap *= 2;
		st->values = repalloc(st->values, sizeof(Datum) * st->cap);
		st->nulls = repalloc(st->nulls, sizeof(bool) * st->cap);
	}
	t = hl7v2_value_text(st->m, value, &isnull);
	st->values[st->n] = isnull ? (Datum) 0 : PointerGetDatum(t);
	st->nulls[st->n] = isnull;
	st->n++;
	return true;
}

/* hl7_get_all(msg, path): every segment occurrence x every repetition */
Datum
hl7v2_get_all(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_HL7V2_P(0);
	const hl7_path *p = hl7v2_cached_path(fcinfo, 1);
	hl7_msg		m;
	collect_state st;
	int			dims[1];
	int			lbs[1] = {1};

	hl7v2_view(v, &m);
	st.m = &m;
	st.n = 0;
	st.cap = 8;
	st.values = palloc(sizeof(Datum) * st.cap);
	st.nulls = palloc(sizeof(bool) * st.cap);
	hl7_get_all(&m, p, collect_span, &st);
	if (st.n == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(TEXTOID));
	dims[0] = st.n;
	PG_RETURN_ARRAYTYPE_P(construct_md_array(st.values, st.nulls, 1, dims, lbs,
											 TEXTOID, -1, false, TYPALIGN_INT));
}

/* hl7_segments(msg) TABLE(seq int, segment_id text, fields text[]) */
Datum
hl7v2_segments(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_HL7V2_P(0);
	Tuplestorestate *store;
	TupleDesc	tupdesc = cl_pg_materialize_srf(fcinfo, &store);
	hl7_msg		m;
	int			cap = 32;
	Datum	   *fields = palloc(sizeof(Datum) * cap);

	hl7v2_view(v, &m);
	for (uint32_t i = 0; i < m.nsegs; i++)
	{
		hl7_seginfo si;
		hl7_field_iter it;
		hl7_span	f;
		int			nf = 0;
		Datum		values[3];
		bool		nulls[3] = {false, false, false};
		int			dims[1];
		int			lbs[1] = {1};

		hl7_msg_segment(&m, i, &si);
		hl7_field_iter_init(&it, &m, i);
		while (hl7_field_iter_next(&it, &f))
		{
			if (nf == cap)
			{
				cap *= 2;
				fields = repalloc(fields, sizeof(Datum) * cap);
			}
			fields[nf++] = PointerGetDatum(cstring_to_text_with_len(f.ptr, (int) f.len));
		}
		values[0] = Int32GetDatum((int32) i + 1);
		values[1] = PointerGetDatum(cstring_to_text(si.id));
		if (nf == 0)
			values[2] = PointerGetDatum(construct_empty_array(TEXTOID));
		else
		{
			dims[0] = nf;
			values[2] = PointerGetDatum(construct_md_array(fields, NULL, 1, dims, lbs,
														   TEXTOID, -1, false,
														   TYPALIGN_INT));
		}
		tuplestore_putvalues(store, tupdesc, values, nulls);
	}
	return (Datum) 0;
}

/* hl7_to_jsonb(msg): the lossless tree (see README) */
Datum
hl7v2_to_jsonb(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_HL7V2_P(0);
	hl7_msg		m;
	cl_buf		buf;
	cl_error	err;

	hl7v2_view(v, &m);
	cl_error_clear(&err);
	cl_buf_init(&buf, &cl_pg_palloc_allocator, m.text_len * 2 + 64);
	if (!hl7_to_json(&m, &buf, &err))
		cl_pg_raise(&err, NULL);
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

/* ---- hl7_from_jsonb: walk the tree, write the message --------------------- */

static void
from_jsonb_error(const char *what, int depth, const int *idx)
{
	StringInfoData ptr;

	initStringInfo(&ptr);
	appendStringInfoString(&ptr, "/segments");
	for (int d = 1; d <= depth && d < 6; d++)
		appendStringInfo(&ptr, "/%d", idx[d]);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid HL7 v2 JSON form: %s", what),
			 errdetail("At JSON pointer %s.", ptr.data),
			 errhint("The form is {\"delimiters\": \"|^~\\\\&\", \"segments\": [[\"MSH\", \"|\", \"^~\\\\&\", ...], ...]} as hl7_to_jsonb writes it.")));
}

static void
writer_check(bool ok, cl_error *err, int depth, const int *idx)
{
	if (!ok)
		from_jsonb_error(err->message, depth, idx);
}

Datum
hl7v2_from_jsonb(PG_FUNCTION_ARGS)
{
	Jsonb	   *j = PG_GETARG_JSONB_P(0);
	JsonbValue *dv,
			   *sv;
	JsonbValue	v;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	hl7_delims	d;
	hl7_writer	w;
	cl_buf		buf;
	cl_error	err;
	int			depth = 0;
	int			idx[8] = {0};

	if (!JB_ROOT_IS_OBJECT(j))
		from_jsonb_error("not an object", 0, idx);
	dv = getKeyJsonValueFromContainer(&j->root, "delimiters", 10, NULL);
	sv = getKeyJsonValueFromContainer(&j->root, "segments", 8, NULL);
	if (dv == NULL || dv->type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid HL7 v2 JSON form: \"delimiters\" must be a string such as \"|^~\\\\&\"")));
	if (sv == NULL || sv->type != jbvBinary || !JsonContainerIsArray(sv->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid HL7 v2 JSON form: \"segments\" must be an array")));
	cl_error_clear(&err);
	if (!hl7_delims_from_string(dv->val.string.val, dv->val.string.len, &d, &err))
		cl_pg_raise(&err, "HL7 v2 JSON form");
	cl_buf_init(&buf, &cl_pg_palloc_allocator, VARSIZE(j));
	if (!hl7_writer_init(&w, &d, &buf, &err))
		cl_pg_raise(&err, "HL7 v2 JSON form");

	/*
	 * Depth 1: the segments array; 2: a segment (id, fields); 3: a field's
	 * repetitions; 4: a repetition's components; 5: a component's
	 * subcomponents.  idx[k] is the index of the current element at depth k.
	 */
	it = JsonbIteratorInit(sv->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		bool		ok = true;

		switch (tok)
		{
			case WJB_BEGIN_ARRAY:
				if (depth >= 5)
					from_jsonb_error("arrays nested deeper than subcomponents", depth, idx);
				if (depth == 1)
					;			/* a segment: its id comes as the first element */
				else if (depth == 2)
				{
					if (idx[2] == 0)
						from_jsonb_error("a segment must start with its id", depth, idx);
					ok = hl7_writer_field(&w, &err);
				}
				else if (depth == 3)
					ok = hl7_writer_repetition(&w, &err);
				else if (depth == 4)
					ok = hl7_writer_component(&w, &err);
				writer_check(ok, &err, depth, idx);
				depth++;
				idx[depth] = 0;
				break;
			case WJB_END_ARRAY:
				depth--;
				if (depth == 1 && idx[2] == 0)
					from_jsonb_error("a segment must not be empty", depth + 1, idx);
				if (depth >= 1)
					idx[depth]++;
				break;
			case WJB_ELEM:
				if (v.type != jbvString)
					from_jsonb_error("elements must be strings or arrays", depth, idx);
				if (depth == 1)
					from_jsonb_error("a segment must be an array", depth, idx);
				else if (depth == 2 && idx[2] == 0)
					ok = hl7_writer_segment(&w, v.val.string.val, v.val.string.len, &err);
				else
				{
					if (depth == 2)
						ok = hl7_writer_field(&w, &err);
					else if (depth == 3)
						ok = hl7_writer_repetition(&w, &err);
					else if (depth == 4)
						ok = hl7_writer_component(&w, &err);
					else if (depth == 5)
						ok = hl7_writer_subcomponent(&w, &err);
					if (ok)
						ok = hl7_writer_text(&w, v.val.string.val, v.val.string.len, &err);
				}
				writer_check(ok, &err, depth, idx);
				idx[depth]++;
				break;
			default:
				from_jsonb_error("objects are not allowed inside segments", depth, idx);
		}
	}
	if (!hl7_writer_finish(&w, &err))
		cl_pg_raise(&err, "HL7 v2 JSON form");
	PG_RETURN_POINTER(hl7v2_from_utf8(buf.data, buf.len, NULL));
}

/* hl7_set(msg, path, value): value NULL sets an empty value */
Datum
hl7v2_set(PG_FUNCTION_ARGS)
{
	struct varlena *v;
	const hl7_path *p;
	const char *val = NULL;
	size_t		vlen = 0;
	hl7_msg		m;
	cl_buf		buf;
	cl_error	err;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	v = PG_GETARG_HL7V2_P(0);
	p = hl7v2_cached_path(fcinfo, 1);
	if (!PG_ARGISNULL(2))
	{
		text	   *t = PG_GETARG_TEXT_PP(2);

		val = VARDATA_ANY(t);
		vlen = VARSIZE_ANY_EXHDR(t);
	}
	hl7v2_view(v, &m);
	cl_error_clear(&err);
	cl_buf_init(&buf, &cl_pg_palloc_allocator, m.text_len + vlen * 2 + 64);
	if (!hl7_set(&m, p, val, vlen, &buf, &err))
		cl_pg_raise(&err, NULL);
	PG_RETURN_POINTER(hl7v2_from_utf8(buf.data, buf.len, NULL));
}

/* ---- escapes ----------------------------------------------------------------- */

static void
delims_arg(FunctionCallInfo fcinfo, int argno, hl7_delims *d)
{
	cl_error	err;

	if (PG_NARGS() <= argno)
	{
		hl7_delims_default(d);
		return;
	}
	{
		text	   *t = PG_GETARG_TEXT_PP(argno);

		cl_error_clear(&err);
		if (!hl7_delims_from_string(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), d, &err))
			cl_pg_raise(&err, "HL7 v2 delimiters");
	}
}

static Datum
escape_common(FunctionCallInfo fcinfo, bool encode)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	hl7_delims	d;
	cl_buf		buf;
	cl_error	err;
	bool		ok;
	size_t		len = VARSIZE_ANY_EXHDR(t);

	delims_arg(fcinfo, 1, &d);
	cl_error_clear(&err);
	cl_buf_init(&buf, &cl_pg_palloc_allocator, len + len / 4 + VARHDRSZ + 8);
	cl_buf_append(&buf, "\0\0\0\0", VARHDRSZ);
	if (encode)
		ok = hl7_escape(VARDATA_ANY(t), len, &d, &buf, &err);
	else
		ok = hl7_unescape(VARDATA_ANY(t), len, &d, &buf, &err);
	if (!ok)
		cl_pg_raise(&err, NULL);
	SET_VARSIZE(buf.data, buf.len);
	PG_RETURN_TEXT_P((text *) buf.data);
}

Datum
hl7v2_escape_text(PG_FUNCTION_ARGS)
{
	return escape_common(fcinfo, true);
}

Datum
hl7v2_unescape_text(PG_FUNCTION_ARGS)
{
	return escape_common(fcinfo, false);
}

/* ---- header fields --------------------------------------------------------- */

static Datum
msh_value(FunctionCallInfo fcinfo, int field, int components)
{
	struct varlena *v = PG_GETARG_HL7V2_P(0);
	hl7_msg		m;
	hl7_span	f;
	bool		isnull;
	text	   *r;

	hl7v2_view(v, &m);
	f = hl7_piece(hl7_msh_field(&m, field), m.delims.repetition, 1);
	if (components == 1)
		f = hl7_piece(f, m.delims.component, 1);
	else if (components == 2 && f.ptr != NULL)
	{
		/* message code ^ trigger event, e.g. ADT^A01 */
		hl7_span	c1 = hl7_piece(f, m.delims.component, 1);
		hl7_span	c2 = hl7_piece(f, m.delims.component, 2);
		text	   *t1 = hl7v2_value_text(&m, c1, &isnull);
		text	   *t2;
		StringInfoData s;

		if (isnull)
			PG_RETURN_NULL();
		t2 = hl7v2_value_text(&m, c2, &isnull);
		initStringInfo(&s);
		appendBinaryStringInfo(&s, VARDATA_ANY(t1), VARSIZE_ANY_EXHDR(t1));
		if (!isnull && VARSIZE_ANY_EXHDR(t2) > 0)
		{
			appendStringInfoChar(&s, '^');
			appendBinaryStringInfo(&s, VARDATA_ANY(t2), VARSIZE_ANY_EXHDR(t2));
		}
		PG_RETURN_TEXT_P(cstring_to_text_with_len(s.data, s.len));
	}
	r = hl7v2_value_text(&m, f, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(r);
}

/* 'ADT^A01' from MSH-9 (components 1 and 2, always joined with '^') */
Datum
hl7v2_message_type(PG_FUNCTION_ARGS)
{
	return msh_value(fcinfo, 9, 2);
}

Datum
hl7v2_control_id(PG_FUNCTION_ARGS)
{
	return msh_value(fcinfo, 10, 0);
}

/* MSH-12.1, the version id (e.g. 2.5.1) */
Datum
hl7v2_version(PG_FUNCTION_ARGS)
{
	return msh_value(fcinfo, 12, 1);
}
