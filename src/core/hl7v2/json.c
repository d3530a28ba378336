/*
 * json.c
 *		The lossless JSON tree of a message: writing it, the event writer
 *		that turns a tree back into text, and a small JSON reader for the
 *		standalone core.
 */
#include <string.h>

#include "clinical/json.h"
#include "hl7v2_internal.h"

/* does [s, s+len) contain any byte marked in set? */
static inline bool
has_any(const unsigned char *set, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (set[(unsigned char) s[i]])
			return true;
	return false;
}

/*
 * split_json
 *		Writes span v split on c as a JSON array, each piece by sub().
 */
typedef void (*piece_fn) (cl_buf *out, const hl7_delims *d, hl7_span v);

static void
split_json(cl_buf *out, const hl7_delims *d, hl7_span v, char c, piece_fn sub)
{
	const char *p = v.ptr;
	const char *end = v.ptr + v.len;
	bool		first = true;

	cl_buf_append_char(out, '[');
	for (;;)
	{
		const char *q = hl7_find(p, end, c);
		hl7_span	piece;

		piece.ptr = p;
		piece.len = (size_t) ((q ? q : end) - p);
		if (!first)
			cl_buf_append_char(out, ',');
		first = false;
		sub(out, d, piece);
		if (q == NULL)
			break;
		p = q + 1;
	}
	cl_buf_append_char(out, ']');
}

static void
leaf_json(cl_buf *out, const hl7_delims *d, hl7_span v)
{
	(void) d;
	cl_json_append_string(out, v.ptr, v.len);
}

static void
comp_json(cl_buf *out, const hl7_delims *d, hl7_span v)
{
	if (d->subcomponent && memchr(v.ptr, d->subcomponent, v.len))
		split_json(out, d, v, d->subcomponent, leaf_json);
	else
		cl_json_append_string(out, v.ptr, v.len);
}

static void
rep_json(cl_buf *out, const hl7_delims *d, hl7_span v)
{
	if ((d->component && memchr(v.ptr, d->component, v.len)) ||
		(d->subcomponent && memchr(v.ptr, d->subcomponent, v.len)))
		split_json(out, d, v, d->component, comp_json);
	else
		cl_json_append_string(out, v.ptr, v.len);
}

/*
 * hl7_to_json
 */
bool
hl7_to_json(const hl7_msg *m, cl_buf *out, cl_error *err)
{
	const hl7_delims *d = &m->delims;
	unsigned char set[256];
	char		ds[8];
	size_t		dl = hl7_delims_to_string(d, ds);

	memset(set, 0, sizeof(set));
	if (d->component)
		set[(unsigned char) d->component] = 1;
	if (d->repetition)
		set[(unsigned char) d->repetition] = 1;
	if (d->subcomponent)
		set[(unsigned char) d->subcomponent] = 1;

	cl_buf_append_str(out, "{\"delimiters\":");
	cl_json_append_string(out, ds, dl);
	cl_buf_append_str(out, ",\"segments\":[");
	for (size_t i = 0; i < m->nsegs; i++)
	{
		hl7_field_iter it;
		hl7_span	f;
		hl7_span	seg = hl7_msg_segment_span(m, i);

		if (i > 0)
			cl_buf_append_char(out, ',');
		cl_buf_append_char(out, '[');
		cl_json_append_string(out, seg.ptr, 3);
		hl7_field_iter_init(&it, m, i);
		while (hl7_field_iter_next(&it, &f))
		{
			cl_buf_append_char(out, ',');
			if ((it.msh && it.n <= 2) || !has_any(set, f.ptr, f.len))
				cl_json_append_string(out, f.ptr, f.len);
			else
				split_json(out, d, f, d->repetition, rep_json);
		}
		cl_buf_append_char(out, ']');
		if (out->failed)
			return hl7_nomem(err);
	}
	cl_buf_append_str(out, "]}");
	if (out->failed)
		return hl7_nomem(err);
	return true;
}

/* ------------------------------------------------------------------------
 * Writer
 * ------------------------------------------------------------------------ */

static bool
writer_error(cl_error *err, const char *what)
{
	return cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET, "%s", what);
}

bool
hl7_writer_init(hl7_writer *w, const hl7_delims *d, cl_buf *out, cl_error *err)
{
	memset(w, 0, sizeof(*w));
	if (!hl7_delims_check(d, err))
		return false;
	w->out = out;
	w->d = *d;
	w->special[(unsigned char) d->field] = 1;
	if (d->component)
		w->special[(unsigned char) d->component] = 1;
	if (d->repetition)
		w->special[(unsigned char) d->repetition] = 1;
	if (d->subcomponent)
		w->special[(unsigned char) d->subcomponent] = 1;
	w->special['\r'] = 1;
	w->special[0] = 1;
	return true;
}

bool
hl7_writer_segment(hl7_writer *w, const char *id, size_t len, cl_error *err)
{
	if (len != 3 || !hl7_is_idchar((unsigned char) id[0]) ||
		!hl7_is_idchar((unsigned char) id[1]) || !hl7_is_idchar((unsigned char) id[2]))
		return cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
							"invalid segment id in segment %d: expected 3 characters A-Z, 0-9",
							w->nsegs + 1);
	if (w->nsegs == 0 && memcmp(id, "MSH", 3) != 0)
		return writer_error(err, "the first segment must be MSH");
	if (w->in_segment)
		cl_buf_append_char(w->out, '\r');
	cl_buf_append(w->out, id, 3);
	w->nsegs++;
	w->in_segment = true;
	w->msh = memcmp(id, "MSH", 3) == 0;
	w->field = 0;
	return !w->out->failed || hl7_nomem(err);
}

bool
hl7_writer_field(hl7_writer *w, cl_error *err)
{
	if (!w->in_segment)
		return writer_error(err, "field outside a segment");
	w->field++;
	w->rep = w->comp = w->sub = 0;
	/* MSH-1 is the field separator itself, written by its text */
	if (!(w->msh && w->field <= 2))
		cl_buf_append_char(w->out, w->d.field);
	return !w->out->failed || hl7_nomem(err);
}

bool
hl7_writer_repetition(hl7_writer *w, cl_error *err)
{
	if (w->field == 0)
		return writer_error(err, "repetition outside a field");
	if (w->msh && w->field <= 2)
		return writer_error(err, "MSH-1 and MSH-2 must be strings");
	if (w->rep > 0)
	{
		if (w->d.repetition == '\0')
			return writer_error(err, "the delimiters declare no repetition separator");
		cl_buf_append_char(w->out, w->d.repetition);
	}
	w->rep++;
	w->comp = w->sub = 0;
	return !w->out->failed || hl7_nomem(err);
}

bool
hl7_writer_component(hl7_writer *w, cl_error *err)
{
	if (w->rep == 0)
		return writer_error(err, "component outside a repetition");
	if (w->comp > 0)
		cl_buf_append_char(w->out, w->d.component);
	w->comp++;
	w->sub = 0;
	return !w->out->failed || hl7_nomem(err);
}

bool
hl7_writer_subcomponent(hl7_writer *w, cl_error *err)
{
	if (w->comp == 0)
		return writer_error(err, "subcomponent outside a component");
	if (w->sub > 0)
	{
		if (w->d.subcomponent == '\0')
			return writer_error(err, "the delimiters declare no subcomponent separator");
		cl_buf_append_char(w->out, w->d.subcomponent);
	}
	w->sub++;
	return !w->out->failed || hl7_nomem(err);
}

bool
hl7_writer_text(hl7_writer *w, const char *s, size_t len, cl_error *err)
{
	if (w->field == 0)
		return writer_error(err, "text outside a field");
	if (w->msh && w->field <= 2)
	{
		char		ds[8];
		size_t		dl = hl7_delims_to_string(&w->d, ds);

		/* the first MSH declares the delimiters; later ones just may not
		 * contain a field separator or CR in MSH-2 */
		if (w->field == 1 ? (len != 1 || s[0] != w->d.field)
			: w->nsegs == 1 ? (len != dl - 1 || memcmp(s, ds + 1, len) != 0)
			: (memchr(s, w->d.field, len) != NULL || memchr(s, '\r', len) != NULL ||
			   memchr(s, '\0', len) != NULL))
			return writer_error(err, "MSH-1 and MSH-2 must equal the delimiters");
		cl_buf_append(w->out, s, len);
		return !w->out->failed || hl7_nomem(err);
	}
	for (size_t i = 0; i < len; i++)
		if (w->special[(unsigned char) s[i]])
			return cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
								"value in segment %d, field %d contains a delimiter, CR or NUL",
								w->nsegs, w->field);
	cl_buf_append(w->out, s, len);
	return !w->out->failed || hl7_nomem(err);
}

bool
hl7_writer_finish(hl7_writer *w, cl_error *err)
{
	if (w->nsegs == 0)
		return writer_error(err, "no segments");
	cl_buf_append_char(w->out, '\r');
	w->in_segment = false;
	return !w->out->failed || hl7_nomem(err);
}

/* ------------------------------------------------------------------------
 * JSON reader for the tree shape
 * ------------------------------------------------------------------------ */
typedef struct jreader
{
	const char *s;
	size_t		len;
	size_t		pos;
	cl_buf		str;			/* the last decoded string */
	cl_error   *err;
} jreader;

static bool
jerror(jreader *r, const char *what)
{
	return cl_error_set(r->err, CL_ERR_SYNTAX, r->pos,
						"invalid HL7 JSON at byte %zu: %s", r->pos, what);
}

static void
jws(jreader *r)
{
	while (r->pos < r->len &&
		   (r->s[r->pos] == ' ' || r->s[r->pos] == '\t' ||
			r->s[r->pos] == '\n' || r->s[r->pos] == '\r'))
		r->pos++;
}

static bool
jpeek(jreader *r, char c)
{
	jws(r);
	return r->pos < r->len && r->s[r->pos] == c;
}

static bool
jexpect(jreader *r, char c)
{
	char		what[32];

	if (jpeek(r, c))
	{
		r->pos++;
		return true;
	}
	snprintf(what, sizeof(what), "expected '%c'", c);
	return jerror(r, what);
}

static int
jhex4(const char *p)
{
	int			v = 0;

	for (int i = 0; i < 4; i++)
	{
		int			h;
		char		c = p[i];

		if (c >= '0' && c <= '9')
			h = c - '0';
		else if (c >= 'a' && c <= 'f')
			h = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			h = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static void
put_utf8(cl_buf *b, unsigned int cp)
{
	char		u[4];

	if (cp < 0x80)
		cl_buf_append_char(b, (char) cp);
	else if (cp < 0x800)
	{
		u[0] = (char) (0xC0 | (cp >> 6));
		u[1] = (char) (0x80 | (cp & 0x3F));
		cl_buf_append(b, u, 2);
	}
	else if (cp < 0x10000)
	{
		u[0] = (char) (0xE0 | (cp >> 12));
		u[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char) (0x80 | (cp & 0x3F));
		cl_buf_append(b, u, 3);
	}
	else
	{
		u[0] = (char) (0xF0 | (cp >> 18));
		u[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char) (0x80 | (cp & 0x3F));
		cl_buf_append(b, u, 4);
	}
}

/*
 * jstring
 *		Decodes a JSON string into r->str.
 */
static bool
jstring(jreader *r)
{
	if (!jexpect(r, '"'))
		return false;
	r->str.len = 0;
	while (r->pos < r->len)
	{
		const char *p = r->s + r->pos;
		size_t		n = 0;
		char		c;

		while (r->pos + n < r->len && p[n] != '"' && p[n] != '\\' &&
			   (unsigned char) p[n] >= 0x20)
			n++;
		cl_buf_append(&r->str, p, n);
		r->pos += n;
		if (r->pos >= r->len)
			break;
		c = r->s[r->pos];
		if (c == '"')
		{
			r->pos++;
			if (r->str.failed)
				return hl7_nomem(r->err);
			if (cl_utf8_validate(r->str.data, r->str.len) != CL_NO_OFFSET)
				return jerror(r, "invalid UTF-8 in string");
			return true;
		}
		if ((unsigned char) c < 0x20)
			return jerror(r, "control character in string");
		/* backslash */
		if (r->pos + 1 >= r->len)
			break;
		c = r->s[r->pos + 1];
		r->pos += 2;
		switch (c)
		{
			case '"':
			case '\\':
			case '/':
				cl_buf_append_char(&r->str, c);
				break;
			case 'b':
				cl_buf_append_char(&r->str, '\b');
				break;
			case 'f':
				cl_buf_append_char(&r->str, '\f');
				break;
			case 'n':
				cl_buf_append_char(&r->str, '\n');
				break;
			case 'r':
				cl_buf_append_char(&r->str, '\r');
				break;
			case 't':
				cl_buf_append_char(&r->str, '\t');
				break;
			case 'u':
				{
					int			cp;

					if (r->pos + 4 > r->len || (cp = jhex4(r->s + r->pos)) < 0)
						return jerror(r, "bad \\u escape");
					r->pos += 4;
					if (cp >= 0xD800 && cp <= 0xDBFF)
					{
						int			lo;

						if (r->pos + 6 > r->len || r->s[r->pos] != '\\' ||
							r->s[r->pos + 1] != 'u' ||
							(lo = jhex4(r->s + r->pos + 2)) < 0xDC00 || lo > 0xDFFF)
							return jerror(r, "unpaired surrogate");
						r->pos += 6;
						cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					}
					else if (cp >= 0xDC00 && cp <= 0xDFFF)
						return jerror(r, "unpaired surrogate");
					if (cp == 0)
						return jerror(r, "\\u0000 is not allowed");
					put_utf8(&r->str, (unsigned int) cp);
					break;
				}
			default:
				return jerror(r, "bad escape");
		}
	}
	return jerror(r, "unterminated string");
}

/* one level of the tree: level 0 field, 1 repetition, 2 component, 3 sub */
static bool
jnode(jreader *r, hl7_writer *w, int level)
{
	bool		first = true;

	if (!jpeek(r, '['))
	{
		if (!jstring(r))
			return false;
		return hl7_writer_text(w, r->str.data, r->str.len, r->err);
	}
	if (level == 3)
		return jerror(r, "subcomponents must be strings");
	r->pos++;
	if (jpeek(r, ']'))
		return jerror(r, "empty array");
	for (;;)
	{
		bool		ok;

		if (!first && !jexpect(r, ','))
			return false;
		first = false;
		if (level == 0)
			ok = hl7_writer_repetition(w, r->err);
		else if (level == 1)
			ok = hl7_writer_component(w, r->err);
		else
			ok = hl7_writer_subcomponent(w, r->err);
		if (!ok || !jnode(r, w, level + 1))
			return false;
		if (jpeek(r, ']'))
		{
			r->pos++;
			return true;
		}
	}
}

/*
 * hl7_from_json
 */
bool
hl7_from_json(const char *json, size_t len, cl_buf *out, cl_error *err)
{
	jreader		r;
	hl7_writer	w;
	hl7_delims	d;
	bool		have_delims = false;
	size_t		seg_pos = 0;
	bool		ok = false;

	r.s = json;
	r.len = len;
	r.pos = 0;
	r.err = err;
	cl_buf_init(&r.str, out->alloc, 64);

	/* find "delimiters" first (members may come in any order) */
	if (!jexpect(&r, '{'))
		goto done;
	for (;;)
	{
		if (!jstring(&r))
			goto done;
		if (!jexpect(&r, ':'))
			goto done;
		if (r.str.len == 10 && memcmp(r.str.data, "delimiters", 10) == 0)
		{
			if (!jstring(&r))
				goto done;
			if (!hl7_delims_from_string(r.str.data, r.str.len, &d, err))
				goto done;
			have_delims = true;
		}
		else if (r.str.len == 8 && memcmp(r.str.data, "segments", 8) == 0)
		{
			/* skip it for now: remember where it is and skip balanced */
			int			depth = 0;

			jws(&r);
			seg_pos = r.pos;
			do
			{
				if (r.pos >= r.len)
				{
					jerror(&r, "unterminated array");
					goto done;
				}
				if (r.s[r.pos] == '"')
				{
					if (!jstring(&r))
						goto done;
					continue;
				}
				if (r.s[r.pos] == '[')
					depth++;
				else if (r.s[r.pos] == ']')
					depth--;
				r.pos++;
			} while (depth > 0);
		}
		else
		{
			jerror(&r, "unknown member");
			goto done;
		}
		if (jpeek(&r, ','))
		{
			r.pos++;
			continue;
		}
		if (!jexpect(&r, '}'))
			goto done;
		break;
	}
	jws(&r);
	if (r.pos != r.len)
	{
		jerror(&r, "trailing characters");
		goto done;
	}
	if (!have_delims || seg_pos == 0)
	{
		jerror(&r, "\"delimiters\" and \"segments\" are required");
		goto done;
	}
	if (!hl7_writer_init(&w, &d, out, err))
		goto done;
	r.pos = seg_pos;
	if (!jexpect(&r, '['))
		goto done;
	if (jpeek(&r, ']'))
	{
		jerror(&r, "no segments");
		goto done;
	}
	for (;;)
	{
		if (!jexpect(&r, '[') || !jstring(&r))
			goto done;
		if (!hl7_writer_segment(&w, r.str.data, r.str.len, err))
			goto done;
		while (jpeek(&r, ','))
		{
			r.pos++;
			if (!hl7_writer_field(&w, err) || !jnode(&r, &w, 0))
				goto done;
		}
		if (!jexpect(&r, ']'))
			goto done;
		if (jpeek(&r, ','))
		{
			r.pos++;
			continue;
		}
		if (!jexpect(&r, ']'))
			goto done;
		break;
	}
	ok = hl7_writer_finish(&w, err);
done:
	cl_buf_free(&r.str);
	return ok;
}
