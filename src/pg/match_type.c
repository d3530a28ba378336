/*
 * match_type.c
 *		The patient_identity type: text and binary I/O, and its constructors
 *		from named columns, from a FHIR Patient and from the PID segment of
 *		an HL7 v2 message.
 *
 * A patient_identity is a varlena whose payload is the core's serialised
 * identity (clinical/match.h): normalised fields, match keys and an FNV-1a
 * checksum.  Every string handed to the core is first converted to UTF-8
 * and to Unicode NFKD with PostgreSQL's own unicode_normalize, so that the
 * core can drop the combining marks (José -> jose, ﬁ -> fi).
 */
#include "pg_clinical.h"

#include "catalog/namespace.h"
#include "common/hashfn.h"
#include "catalog/pg_type.h"
#include "common/unicode_norm.h"
#include "datatype/timestamp.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "clinical/hl7v2.h"
#include "clinical/node.h"
#include "hl7v2_pg.h"
#include "jsonb_node.h"
#include "match_pg.h"

#define WHAT "patient identity"

/* ------------------------------------------------------------------------
 * Shared helpers
 * ------------------------------------------------------------------------ */

static int
utf8_len_of(pg_wchar c)
{
	if (c < 0x80)
		return 1;
	if (c < 0x800)
		return 2;
	if (c < 0x10000)
		return 3;
	return 4;
}

char *
match_nfkd(const char *s, size_t len)
{
	const char *u;
	bool		ascii = true;
	size_t		n = 0;
	pg_wchar   *in;
	pg_wchar   *out;
	char	   *res;
	char	   *p;
	size_t		outlen = 0;

	u = pg_server_to_any(s, (int) len, PG_UTF8);
	if (u != s)
		len = strlen(u);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char) u[i] >= 0x80)
		{
			ascii = false;
			break;
		}
	if (ascii)
		return pnstrdup(u, len);

	/* UTF-8 -> code points -> NFKD -> UTF-8 */
	in = palloc(sizeof(pg_wchar) * (len + 1));
	for (size_t i = 0; i < len;)
	{
		int			l = cl_utf8_seqlen((const unsigned char *) u + i, len - i);

		if (l == 0)
			ereport(ERROR,
					(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
					 errmsg("invalid %s: invalid UTF-8 in a name or address", WHAT)));
		in[n++] = utf8_to_unicode((const unsigned char *) u + i);
		i += l;
	}
	in[n] = 0;
	out = unicode_normalize(UNICODE_NFKD, in);
	for (pg_wchar *c = out; *c; c++)
		outlen += utf8_len_of(*c);
	res = palloc(outlen + 1);
	p = res;
	for (pg_wchar *c = out; *c; c++)
	{
		unicode_to_utf8(*c, (unsigned char *) p);
		p += utf8_len_of(*c);
	}
	*p = '\0';
	pfree(in);
	pfree(out);
	return res;
}

static char *
text_nfkd(text *t)
{
	return match_nfkd(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

struct varlena *
match_identity_from_buf(const cl_buf *buf)
{
	struct varlena *v = palloc(VARHDRSZ + buf->len);

	SET_VARSIZE(v, VARHDRSZ + buf->len);
	memcpy(VARDATA(v), buf->data, buf->len);
	return v;
}

void
match_identity_view(struct varlena *v, cl_identity *id)
{
	cl_error	err;

	cl_error_clear(&err);
	if (!cl_identity_decode(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), 0, NULL, id, &err))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt patient_identity value: %s", err.message)));
}

/*
 * Builds a patient_identity; core errors name the field in err.where
 * ("birth_date", "sex", ...), which 'where_map' (pairs of core name, source
 * name, NULL-terminated) translates into the source's own naming.
 */
static struct varlena *
build_identity(const cl_identity_input *in, const char *const *where_map)
{
	cl_buf		buf;
	cl_error	err;

	cl_error_clear(&err);
	cl_buf_init(&buf, &cl_pg_palloc_allocator, 256);
	if (!cl_identity_build(in, &buf, &err))
	{
		for (int i = 0; where_map && where_map[i]; i += 2)
			if (strcmp(err.where, where_map[i]) == 0)
			{
				strlcpy(err.where, where_map[i + 1], sizeof(err.where));
				break;
			}
		cl_pg_raise(&err, WHAT);
	}
	return match_identity_from_buf(&buf);
}

static void
raise_field(const char *where, const char *fmt, const char *arg) CL_PG_NORETURN;

static void
raise_field(const char *where, const char *fmt, const char *arg)
{
	cl_error	err;

	cl_error_clear(&err);
	cl_error_set(&err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET, fmt, arg);
	strlcpy(err.where, where, sizeof(err.where));
	cl_pg_raise(&err, WHAT);
}

/*
 * Reads the date part of an ISO date (YYYY, YYYY-MM, YYYY-MM-DD) or of an
 * HL7 DTM (YYYY[MM[DD[time]]]); an impossible date is 22023 at 'where'.
 */
static void
parse_date(const char *s, bool dashes, const char *where, cl_identity_input *in)
{
	int			parts[3] = {0, 0, 0};
	int			widths[3] = {4, 2, 2};
	const char *p = s;

	for (int k = 0; k < 3; k++)
	{
		int			v = 0;

		if (k > 0)
		{
			if (*p == '\0')
				break;
			if (dashes)
			{
				if (*p != '-')
					goto bad;
				p++;
			}
			else if (!(*p >= '0' && *p <= '9'))
				break;			/* time zone or precision: ignored */
		}
		for (int i = 0; i < widths[k]; i++, p++)
		{
			if (!(*p >= '0' && *p <= '9'))
				goto bad;
			v = v * 10 + (*p - '0');
		}
		parts[k] = v;
	}
	if (dashes && *p != '\0' && *p != 'T')
		goto bad;
	/* HL7 DTM: what follows the date is a time, fraction or offset */
	if (!dashes && strspn(p, "0123456789.+-") != strlen(p))
		goto bad;
	if (parts[0] == 0 || !cl_date_valid(parts[0], parts[1], parts[2]))
		goto bad;
	in->birth_year = parts[0];
	in->birth_month = parts[1];
	in->birth_day = parts[2];
	return;
bad:
	raise_field(where, "the birth date is not a valid date%s", "");
}

/* ------------------------------------------------------------------------
 * Text and binary I/O
 * ------------------------------------------------------------------------ */

PG_FUNCTION_INFO_V1(patient_identity_in);
PG_FUNCTION_INFO_V1(patient_identity_out);
PG_FUNCTION_INFO_V1(patient_identity_recv);
PG_FUNCTION_INFO_V1(patient_identity_send);

Datum
patient_identity_in(PG_FUNCTION_ARGS)
{
	char	   *s = PG_GETARG_CSTRING(0);
	char	   *u = match_nfkd(s, strlen(s));
	cl_buf		buf;
	cl_error	err;

	cl_error_clear(&err);
	cl_buf_init(&buf, &cl_pg_palloc_allocator, 256);
	if (!cl_identity_from_text(u, strlen(u), &buf, &err))
	{
		cl_pg_input_error(&err, WHAT, fcinfo->context);
		PG_RETURN_NULL();
	}
	PG_RETURN_POINTER(match_identity_from_buf(&buf));
}

static char *
identity_text(struct varlena *v, bool with_keys)
{
	cl_identity id;
	cl_buf		buf;

	match_identity_view(v, &id);
	cl_buf_init(&buf, &cl_pg_palloc_allocator, 256);
	cl_identity_to_text(&id, with_keys, &buf);
	return pg_any_to_server(buf.data, (int) buf.len, PG_UTF8);
}

Datum
patient_identity_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(identity_text(PG_GETARG_IDENTITY_P(0), false));
}

/* receive: the serialised bytes, verified in full (checksum, keys) */
Datum
patient_identity_recv(PG_FUNCTION_ARGS)
{
	StringInfo	si = (StringInfo) PG_GETARG_POINTER(0);
	const char *p = si->data + si->cursor;
	size_t		len = (size_t) (si->len - si->cursor);
	cl_identity id;
	cl_error	err;
	struct varlena *v;

	cl_error_clear(&err);
	if (!cl_identity_decode(p, len, CL_IDENTITY_VERIFY_ALL, &cl_pg_palloc_allocator,
							&id, &err))
		cl_pg_raise(&err, "binary " WHAT);
	v = palloc(VARHDRSZ + len);
	SET_VARSIZE(v, VARHDRSZ + len);
	memcpy(VARDATA(v), p, len);
	si->cursor = si->len;
	PG_RETURN_POINTER(v);
}

Datum
patient_identity_send(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_IDENTITY_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* patient_identity_text(identity, with_keys) -> text */
PG_FUNCTION_INFO_V1(patient_identity_to_text);
Datum
patient_identity_to_text(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(identity_text(PG_GETARG_IDENTITY_P(0),
												   PG_GETARG_BOOL(1))));
}

/* ------------------------------------------------------------------------
 * From named columns
 * ------------------------------------------------------------------------ */

PG_FUNCTION_INFO_V1(patient_identity_from_columns);

static const char *
opt_text_arg(FunctionCallInfo fcinfo, int n)
{
	if (PG_ARGISNULL(n))
		return NULL;
	return text_nfkd(PG_GETARG_TEXT_PP(n));
}

Datum
patient_identity_from_columns(PG_FUNCTION_ARGS)
{
	cl_identity_input in;

	memset(&in, 0, sizeof(in));
	in.family = opt_text_arg(fcinfo, 0);
	in.given = opt_text_arg(fcinfo, 1);
	if (!PG_ARGISNULL(2))
	{
		DateADT		d = PG_GETARG_DATEADT(2);
		int			y,
					m,
					dd;

		if (DATE_NOT_FINITE(d))
			raise_field("birth_date", "the birth date is %s", DATE_IS_NOBEGIN(d) ? "-infinity" : "infinity");
		j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &dd);
		if (y < 1 || y > 9999)
			raise_field("birth_date", "the birth date is outside the years 1 to 9999%s", "");
		in.birth_year = y;
		in.birth_month = m;
		in.birth_day = dd;
	}
	in.sex = opt_text_arg(fcinfo, 3);
	in.address = opt_text_arg(fcinfo, 4);
	in.city = opt_text_arg(fcinfo, 5);
	in.postal_code = opt_text_arg(fcinfo, 6);
	in.phone = opt_text_arg(fcinfo, 7);
	if (!PG_ARGISNULL(8))
	{
		ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(8);
		Datum	   *elems;
		bool	   *nulls;
		int			n;
		const char **ids;
		int			k = 0;

		deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
		ids = palloc(sizeof(char *) * (n + 1));
		for (int i = 0; i < n; i++)
			if (!nulls[i])
				ids[k++] = text_nfkd(DatumGetTextPP(elems[i]));
		in.identifiers = ids;
		in.n_identifiers = k;
	}
	PG_RETURN_POINTER(build_identity(&in, NULL));
}

/* ------------------------------------------------------------------------
 * From a FHIR Patient (read in place from the stored jsonb)
 * ------------------------------------------------------------------------ */

static bool
node_member(const cl_node *n, const char *key, cl_node *out)
{
	if (cl_node_kind_of(n) != CL_NODE_OBJECT)
		return false;
	return n->ops->member(n, key, strlen(key), out);
}

/* the string at n.key (NFKD), or NULL when absent, empty or not a string */
static char *
node_string(const cl_node *n, const char *key)
{
	cl_node		v;
	const char *s;
	size_t		len;

	if (key != NULL)
	{
		if (!node_member(n, key, &v))
			return NULL;
		n = &v;
	}
	if (cl_node_kind_of(n) != CL_NODE_STRING || !n->ops->scalar(n, &s, &len) || len == 0)
		return NULL;
	return match_nfkd(s, len);
}

/* the strings of the array n.key joined with spaces, or NULL */
static char *
node_string_array(const cl_node *n, const char *key)
{
	cl_node		arr;
	StringInfoData sb;
	size_t		cnt;

	if (!node_member(n, key, &arr))
		return NULL;
	if (cl_node_kind_of(&arr) == CL_NODE_STRING)
		return node_string(&arr, NULL);
	if (cl_node_kind_of(&arr) != CL_NODE_ARRAY)
		return NULL;
	initStringInfo(&sb);
	cnt = arr.ops->count(&arr);
	for (size_t i = 0; i < cnt; i++)
	{
		cl_node		e;
		char	   *s;

		if (!arr.ops->element(&arr, i, &e) || (s = node_string(&e, NULL)) == NULL)
			continue;
		if (sb.len > 0)
			appendStringInfoChar(&sb, ' ');
		appendStringInfoString(&sb, s);
	}
	return sb.len > 0 ? sb.data : NULL;
}

/* element 0 of the array n.key, when it is an object */
static bool
node_first(const cl_node *n, const char *key, cl_node *out)
{
	cl_node		arr;

	if (!node_member(n, key, &arr) || cl_node_kind_of(&arr) != CL_NODE_ARRAY ||
		!arr.ops->element(&arr, 0, out))
		return false;
	return cl_node_kind_of(out) == CL_NODE_OBJECT;
}

PG_FUNCTION_INFO_V1(patient_identity_from_fhir);

Datum
patient_identity_from_fhir(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	static const char *const where_map[] = {
		"birth_date", "JSON pointer \"/birthDate\"", "sex", "JSON pointer \"/gender\"",
		"identifiers", "JSON pointer \"/identifier\"",
		"family", "JSON pointer \"/name/0/family\"", "given", "JSON pointer \"/name/0/given\"",
		"address", "JSON pointer \"/address/0/line\"", "city", "JSON pointer \"/address/0/city\"",
		"postal_code", "JSON pointer \"/address/0/postalCode\"",
		"phone", "JSON pointer \"/telecom\"", NULL
	};
	cl_node		root;
	cl_node		v;
	cl_node		arr;
	char	   *rt;
	char	   *s;
	cl_identity_input in;
	const char **ids = NULL;
	int			nids = 0;

	memset(&in, 0, sizeof(in));
	cl_jsonb_node(jb, &root);
	rt = node_string(&root, "resourceType");
	if (rt == NULL || strcmp(rt, "Patient") != 0)
	{
		char		frag[64];

		cl_fragment(frag, sizeof(frag), rt ? rt : "", rt ? strlen(rt) : 0, 0,
					CL_ERR_FRAGMENT_CHARS);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s: the resource is not a Patient (resourceType \"%s\")",
						WHAT, frag),
				 errdetail("At JSON pointer \"/resourceType\".")));
	}
	if (node_first(&root, "name", &v))
	{
		in.family = node_string(&v, "family");
		in.given = node_string_array(&v, "given");
	}
	if ((s = node_string(&root, "birthDate")) != NULL)
		parse_date(s, true, "JSON pointer \"/birthDate\"", &in);
	in.sex = node_string(&root, "gender");
	if (node_first(&root, "address", &v))
	{
		in.address = node_string_array(&v, "line");
		in.city = node_string(&v, "city");
		in.postal_code = node_string(&v, "postalCode");
	}
	if (node_member(&root, "telecom", &arr) && cl_node_kind_of(&arr) == CL_NODE_ARRAY)
	{
		size_t		cnt = arr.ops->count(&arr);

		for (size_t i = 0; i < cnt && in.phone == NULL; i++)
		{
			char	   *sys;

			if (!arr.ops->element(&arr, i, &v) || cl_node_kind_of(&v) != CL_NODE_OBJECT)
				continue;
			sys = node_string(&v, "system");
			if (sys && strcmp(sys, "phone") == 0)
				in.phone = node_string(&v, "value");
		}
	}
	if (node_member(&root, "identifier", &arr) && cl_node_kind_of(&arr) == CL_NODE_ARRAY)
	{
		size_t		cnt = arr.ops->count(&arr);

		ids = palloc(sizeof(char *) * (cnt + 1));
		for (size_t i = 0; i < cnt; i++)
		{
			char	   *sys;
			char	   *val;

			if (!arr.ops->element(&arr, i, &v) || cl_node_kind_of(&v) != CL_NODE_OBJECT)
				continue;
			val = node_string(&v, "value");
			if (val == NULL)
				continue;
			sys = node_string(&v, "system");
			ids[nids++] = psprintf("%s|%s", sys ? sys : "", val);
		}
	}
	in.identifiers = ids;
	in.n_identifiers = nids;
	PG_RETURN_POINTER(build_identity(&in, where_map));
}

/* ------------------------------------------------------------------------
 * From the PID segment of an HL7 v2 message
 * ------------------------------------------------------------------------ */

/* decoded text of a span (NFKD), NULL when absent, empty or "" */
static char *
hl7_text(const hl7_msg *m, hl7_span v)
{
	cl_buf		buf;
	cl_error	err;

	if (hl7_value_classify(v) != HL7_VALUE_TEXT)
		return NULL;
	cl_error_clear(&err);
	cl_buf_init(&buf, &cl_pg_palloc_allocator, v.len + 1);
	if (!hl7_unescape(v.ptr, v.len, &m->delims, &buf, &err))
		cl_pg_raise(&err, NULL);
	if (buf.len == 0)
		return NULL;
	return match_nfkd(buf.data, buf.len);
}

/* component c (1-based), subcomponent s (0: whole component) of span v */
static hl7_span
hl7_part(const hl7_msg *m, hl7_span v, int c, int s)
{
	v = hl7_piece(v, m->delims.component, c);
	if (s > 0)
		v = hl7_piece(v, m->delims.subcomponent, s);
	return v;
}

static char *
join2(char *a, char *b)
{
	if (a && b)
		return psprintf("%s %s", a, b);
	return a ? a : b;
}

PG_FUNCTION_INFO_V1(patient_identity_from_hl7v2);

Datum
patient_identity_from_hl7v2(PG_FUNCTION_ARGS)
{
	struct varlena *msg = PG_GETARG_HL7V2_P(0);
	static const char *const where_map[] = {
		"sex", "PID-8", "identifiers", "PID-3", "family", "PID-5.1", "given", "PID-5.2",
		"address", "PID-11.1", "city", "PID-11.3", "postal_code", "PID-11.5",
		"phone", "PID-13", NULL
	};
	hl7_msg		m;
	hl7_span	seg = HL7_SPAN_ABSENT;
	hl7_span	f;
	hl7_span	rep;
	char	   *s;
	cl_identity_input in;
	const char **ids = NULL;
	int			nids = 0;

	hl7v2_view(msg, &m);
	for (uint32 i = 0; i < m.nsegs; i++)
	{
		hl7_seginfo si;

		hl7_msg_segment(&m, i, &si);
		if (strcmp(si.id, "PID") == 0)
		{
			seg = hl7_msg_segment_span(&m, i);
			break;
		}
	}
	if (seg.ptr == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s: the message has no PID segment", WHAT),
				 errdetail("At PID.")));

	memset(&in, 0, sizeof(in));
	/* PID-5: first repetition, family name (XPN.1.1), given (XPN.2) and
	 * further given names (XPN.3) */
	rep = hl7_piece(hl7_segment_field(&m, seg, 5), m.delims.repetition, 1);
	in.family = hl7_text(&m, hl7_part(&m, rep, 1, 1));
	in.given = join2(hl7_text(&m, hl7_part(&m, rep, 2, 0)),
					 hl7_text(&m, hl7_part(&m, rep, 3, 0)));
	/* PID-7: date of birth (DTM; the time part is ignored) */
	rep = hl7_piece(hl7_segment_field(&m, seg, 7), m.delims.repetition, 1);
	if ((s = hl7_text(&m, hl7_part(&m, rep, 1, 0))) != NULL)
		parse_date(s, false, "PID-7", &in);
	/* PID-8: administrative sex */
	rep = hl7_piece(hl7_segment_field(&m, seg, 8), m.delims.repetition, 1);
	in.sex = hl7_text(&m, hl7_part(&m, rep, 1, 0));
	/* PID-11: first address: street (XAD.1.1), other designation (XAD.2),
	 * city (XAD.3), postal code (XAD.5) */
	rep = hl7_piece(hl7_segment_field(&m, seg, 11), m.delims.repetition, 1);
	in.address = join2(hl7_text(&m, hl7_part(&m, rep, 1, 1)),
					   hl7_text(&m, hl7_part(&m, rep, 2, 0)));
	in.city = hl7_text(&m, hl7_part(&m, rep, 3, 0));
	in.postal_code = hl7_text(&m, hl7_part(&m, rep, 5, 0));
	/* PID-13: the first repetition with a number: XTN.1, else area code
	 * (XTN.6) and local number (XTN.7) */
	f = hl7_segment_field(&m, seg, 13);
	for (int r = 1; in.phone == NULL; r++)
	{
		rep = hl7_piece(f, m.delims.repetition, r);
		if (rep.ptr == NULL)
			break;
		in.phone = hl7_text(&m, hl7_part(&m, rep, 1, 0));
		if (in.phone == NULL)
			in.phone = join2(hl7_text(&m, hl7_part(&m, rep, 6, 0)),
							 hl7_text(&m, hl7_part(&m, rep, 7, 0)));
	}
	/* PID-3: every repetition, "authority|id" with the assigning authority's
	 * namespace id (CX.4.1), else its universal id (CX.4.2), else the
	 * identifier type code (CX.5) */
	f = hl7_segment_field(&m, seg, 3);
	for (int r = 1;; r++)
	{
		char	   *val;
		char	   *sys;

		rep = hl7_piece(f, m.delims.repetition, r);
		if (rep.ptr == NULL)
			break;
		val = hl7_text(&m, hl7_part(&m, rep, 1, 0));
		if (val == NULL)
			continue;
		sys = hl7_text(&m, hl7_part(&m, rep, 4, 1));
		if (sys == NULL)
			sys = hl7_text(&m, hl7_part(&m, rep, 4, 2));
		if (sys == NULL)
			sys = hl7_text(&m, hl7_part(&m, rep, 5, 0));
		if (ids == NULL)
			ids = palloc(sizeof(char *) * 8);
		else if ((nids & 7) == 0)
			ids = repalloc(ids, sizeof(char *) * (nids + 8));
		ids[nids++] = psprintf("%s|%s", sys ? sys : "", val);
	}
	in.identifiers = ids;
	in.n_identifiers = nids;
	PG_RETURN_POINTER(build_identity(&in, where_map));
}

/* ------------------------------------------------------------------------
 * Equality, a total order and hashing (btree and hash operator classes,
 * so that DISTINCT, GROUP BY, UNIQUE and hash joins work on the type).
 * Equal identities have equal stored bytes (every byte is a function of
 * the normalised fields), so equality and hashing read the bytes; the
 * order is field by field (cl_identity_compare), which sorts by family
 * name, given name, birth date ...
 * ------------------------------------------------------------------------ */

static bool
identity_bytes_equal(struct varlena *a, struct varlena *b)
{
	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

static int
identity_compare(FunctionCallInfo fcinfo)
{
	struct varlena *a = PG_GETARG_IDENTITY_P(0);
	struct varlena *b = PG_GETARG_IDENTITY_P(1);
	cl_identity x;
	cl_identity y;
	int			c;

	if (identity_bytes_equal(a, b))
		c = 0;
	else
	{
		match_identity_view(a, &x);
		match_identity_view(b, &y);
		c = cl_identity_compare(&x, &y);
		if (c == 0)
		{
			/* cannot happen for values built by this extension; keep the
			 * order total and consistent with equality anyway */
			size_t		la = VARSIZE_ANY_EXHDR(a);
			size_t		lb = VARSIZE_ANY_EXHDR(b);

			c = memcmp(VARDATA_ANY(a), VARDATA_ANY(b), Min(la, lb));
			if (c == 0)
				c = (la > lb) - (la < lb);
		}
	}
	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

PG_FUNCTION_INFO_V1(patient_identity_eq);
Datum
patient_identity_eq(PG_FUNCTION_ARGS)
{
	struct varlena *a = PG_GETARG_IDENTITY_P(0);
	struct varlena *b = PG_GETARG_IDENTITY_P(1);
	bool		r = identity_bytes_equal(a, b);

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	PG_RETURN_BOOL(r);
}

PG_FUNCTION_INFO_V1(patient_identity_ne);
Datum
patient_identity_ne(PG_FUNCTION_ARGS)
{
	struct varlena *a = PG_GETARG_IDENTITY_P(0);
	struct varlena *b = PG_GETARG_IDENTITY_P(1);
	bool		r = !identity_bytes_equal(a, b);

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	PG_RETURN_BOOL(r);
}

PG_FUNCTION_INFO_V1(patient_identity_lt);
Datum
patient_identity_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(identity_compare(fcinfo) < 0);
}

PG_FUNCTION_INFO_V1(patient_identity_le);
Datum
patient_identity_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(identity_compare(fcinfo) <= 0);
}

PG_FUNCTION_INFO_V1(patient_identity_gt);
Datum
patient_identity_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(identity_compare(fcinfo) > 0);
}

PG_FUNCTION_INFO_V1(patient_identity_ge);
Datum
patient_identity_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(identity_compare(fcinfo) >= 0);
}

PG_FUNCTION_INFO_V1(patient_identity_cmp);
Datum
patient_identity_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(identity_compare(fcinfo));
}

PG_FUNCTION_INFO_V1(patient_identity_hash);
Datum
patient_identity_hash(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_IDENTITY_P(0);
	Datum		h = hash_any((const unsigned char *) VARDATA_ANY(v),
							 (int) VARSIZE_ANY_EXHDR(v));

	PG_FREE_IF_COPY(v, 0);
	return h;
}

PG_FUNCTION_INFO_V1(patient_identity_hash_extended);
Datum
patient_identity_hash_extended(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_IDENTITY_P(0);
	Datum		h = hash_any_extended((const unsigned char *) VARDATA_ANY(v),
									  (int) VARSIZE_ANY_EXHDR(v), PG_GETARG_INT64(1));

	PG_FREE_IF_COPY(v, 0);
	return h;
}
