/*
 * hl7v2_type.c
 *		The hl7v2 type: input, output, binary send/receive, equality, hash
 *		and btree support.
 *
 * A stored value is a varlena whose payload is the core's image: a 16-byte
 * header (format version, delimiters, counts), the message text normalised
 * to '\r' segment terminators, and a 12-byte index entry per segment, so
 * that path lookups jump straight to a segment.  Text output and binary
 * send return the normalised text; two values are equal when their texts
 * are (the rest of the image is derived from the text).
 */
#include "hl7v2_pg.h"

#include "access/hash.h"
#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(hl7v2_in);
PG_FUNCTION_INFO_V1(hl7v2_out);
PG_FUNCTION_INFO_V1(hl7v2_recv);
PG_FUNCTION_INFO_V1(hl7v2_send);
PG_FUNCTION_INFO_V1(hl7v2_from_bytea);
PG_FUNCTION_INFO_V1(hl7v2_from_text);
PG_FUNCTION_INFO_V1(hl7v2_to_text);
PG_FUNCTION_INFO_V1(hl7v2_eq);
PG_FUNCTION_INFO_V1(hl7v2_ne);
PG_FUNCTION_INFO_V1(hl7v2_lt);
PG_FUNCTION_INFO_V1(hl7v2_le);
PG_FUNCTION_INFO_V1(hl7v2_gt);
PG_FUNCTION_INFO_V1(hl7v2_ge);
PG_FUNCTION_INFO_V1(hl7v2_cmp);
PG_FUNCTION_INFO_V1(hl7v2_hash);
PG_FUNCTION_INFO_V1(hl7v2_hash_extended);

#define HL7_WHAT "HL7 v2 message"
#define HL7_CHARSET_HINT \
	"Supported MSH-18 character sets: ASCII, UNICODE UTF-8 (UTF-8), 8859/1 (ISO-8859-1), Windows-1252."

static void
hl7v2_charset_error(const char *cs, size_t cslen, Node *escontext)
{
	cl_error	err;
	char		frag[64];

	cl_fragment(frag, sizeof(frag), cs, cslen, 0, CL_ERR_FRAGMENT_CHARS);
	cl_error_set(&err, CL_ERR_SYNTAX, CL_NO_OFFSET,
				 "unsupported character set \"%s\" in MSH-18", frag);
	cl_error_where(&err, "segment 1 (MSH), field 18");
	cl_error_hint(&err, "%s", HL7_CHARSET_HINT);
	cl_pg_input_error(&err, HL7_WHAT, escontext);
}

/* parse UTF-8 text into a new varlena; NULL when saved softly */
static struct varlena *
hl7v2_parse(const char *s, size_t len, Node *escontext)
{
	void	   *image;
	size_t		image_len;
	cl_error	err;

	cl_error_clear(&err);
	if (!hl7_parse_image(s, len, &cl_pg_palloc_allocator, VARHDRSZ,
						 &image, &image_len, &err))
	{
		cl_pg_input_error(&err, HL7_WHAT, escontext);
		return NULL;
	}
	if (image_len > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("HL7 v2 message too large (%zu bytes)", image_len)));
	SET_VARSIZE(image, image_len);
	return (struct varlena *) image;
}

struct varlena *
hl7v2_from_utf8(const char *s, size_t len, Node *escontext)
{
	const char *cs;
	size_t		cslen;

	/*
	 * Text reaching us is already in the server encoding, whatever MSH-18
	 * says of the wire encoding; MSH-18 is checked to be one we support so
	 * that stored messages never claim an unknown character set.
	 */
	if (hl7_peek_charset(s, len, &cs, &cslen) &&
		hl7_charset_classify(cs, cslen) == HL7_CHARSET_UNKNOWN)
	{
		hl7v2_charset_error(cs, cslen, escontext);
		return NULL;
	}
	if (GetDatabaseEncoding() != PG_UTF8 && GetDatabaseEncoding() != PG_SQL_ASCII)
	{
		for (size_t i = 0; i < len; i++)
			if ((unsigned char) s[i] >= 0x80)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("non-ASCII HL7 v2 messages need a UTF8 database"),
						 errdetail("The database encoding is %s.",
								   GetDatabaseEncodingName())));
	}
	return hl7v2_parse(s, len, escontext);
}

struct varlena *
hl7v2_from_bytes(const char *s, size_t len)
{
	const char *cs;
	size_t		cslen;
	int			enc = PG_UTF8;

	if (hl7_peek_charset(s, len, &cs, &cslen))
	{
		switch (hl7_charset_classify(cs, cslen))
		{
			case HL7_CHARSET_LATIN1:
				enc = PG_LATIN1;
				break;
			case HL7_CHARSET_WIN1252:
				enc = PG_WIN1252;
				break;
			case HL7_CHARSET_ASCII:
			case HL7_CHARSET_UTF8:
				break;
			case HL7_CHARSET_UNKNOWN:
				hl7v2_charset_error(cs, cslen, NULL);
				break;
		}
	}
	if (enc != PG_UTF8)
	{
		if (len > (size_t) (MaxAllocSize / MAX_CONVERSION_GROWTH))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("HL7 v2 message too large to convert (%zu bytes)", len)));
		s = (const char *) pg_do_encoding_conversion((unsigned char *) s, (int) len,
													 enc, PG_UTF8);
		len = strlen(s);
	}
	return hl7v2_parse(s, len, NULL);
}

void
hl7v2_view(struct varlena *v, hl7_msg *m)
{
	cl_error	err;

	cl_error_clear(&err);
	if (!hl7_msg_view(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), m, &err))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt hl7v2 value: %s", err.message)));
}

Datum
hl7v2_in(PG_FUNCTION_ARGS)
{
	char	   *s = PG_GETARG_CSTRING(0);
	struct varlena *v;

#ifdef CL_HAVE_SOFT_ERRORS
	v = hl7v2_from_utf8(s, strlen(s), fcinfo->context);
#else
	v = hl7v2_from_utf8(s, strlen(s), NULL);
#endif
	if (v == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(v);
}

/* the stored text of a value */
static void
hl7v2_text_span(struct varlena *v, const char **text, size_t *len)
{
	hl7_msg		m;

	hl7v2_view(v, &m);
	*text = m.text;
	*len = m.text_len;
}

Datum
hl7v2_out(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_HL7V2_P(0);
	const char *t;
	size_t		len;

	hl7v2_text_span(v, &t, &len);
	PG_RETURN_CSTRING(pnstrdup(t, len));
}

Datum
hl7v2_to_text(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_HL7V2_P(0);
	const char *t;
	size_t		len;

	hl7v2_text_span(v, &t, &len);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(t, (int) len));
}

Datum
hl7v2_from_text(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_POINTER(hl7v2_from_utf8(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), NULL));
}

/* binary format: the message text, like text's (client encoding applies) */
Datum
hl7v2_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			nbytes;
	char	   *s = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);

	PG_RETURN_POINTER(hl7v2_from_utf8(s, (size_t) nbytes, NULL));
}

Datum
hl7v2_send(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_HL7V2_P(0);
	const char *t;
	size_t		len;
	StringInfoData buf;

	hl7v2_text_span(v, &t, &len);
	pq_begintypsend(&buf);
	pq_sendtext(&buf, t, (int) len);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum
hl7v2_from_bytea(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);

	PG_RETURN_POINTER(hl7v2_from_bytes(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b)));
}

/* ---- comparison: bytewise on the normalised text -------------------------- */

static int
hl7v2_compare(FunctionCallInfo fcinfo)
{
	struct varlena *a = PG_GETARG_HL7V2_P(0);
	struct varlena *b = PG_GETARG_HL7V2_P(1);
	const char *ta,
			   *tb;
	size_t		la,
				lb;
	int			c;

	hl7v2_text_span(a, &ta, &la);
	hl7v2_text_span(b, &tb, &lb);
	c = memcmp(ta, tb, Min(la, lb));
	if (c == 0 && la != lb)
		c = la < lb ? -1 : 1;
	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	return c;
}

Datum
hl7v2_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(hl7v2_compare(fcinfo) == 0);
}

Datum
hl7v2_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(hl7v2_compare(fcinfo) != 0);
}

Datum
hl7v2_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(hl7v2_compare(fcinfo) < 0);
}

Datum
hl7v2_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(hl7v2_compare(fcinfo) <= 0);
}

Datum
hl7v2_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(hl7v2_compare(fcinfo) > 0);
}

Datum
hl7v2_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(hl7v2_compare(fcinfo) >= 0);
}

Datum
hl7v2_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(hl7v2_compare(fcinfo));
}

Datum
hl7v2_hash(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_HL7V2_P(0);
	const char *t;
	size_t		len;
	Datum		h;

	hl7v2_text_span(v, &t, &len);
	h = hash_any((const unsigned char *) t, (int) len);
	PG_FREE_IF_COPY(v, 0);
	return h;
}

Datum
hl7v2_hash_extended(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_HL7V2_P(0);
	const char *t;
	size_t		len;
	Datum		h;

	hl7v2_text_span(v, &t, &len);
	h = hash_any_extended((const unsigned char *) t, (int) len, PG_GETARG_INT64(1));
	PG_FREE_IF_COPY(v, 0);
	return h;
}
