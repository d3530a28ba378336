/*
 * edit.c
 *		hl7_set: a new message text with one value placed at a path.
 */
#include <string.h>

#include "hl7v2_internal.h"

/*
 * replace_piece
 *		Writes span v with its piece n (split on delims[level]) replaced by
 *		the recursive replacement of the next level, or by value at the last
 *		level.  Missing pieces are created empty.
 */
static void
replace_piece(cl_buf *out, hl7_span v, const char *delims, const int *idx,
			  int level, int depth, hl7_span value)
{
	char		c;
	const char *p,
			   *end;
	int			n;
	hl7_span	piece;

	if (level == depth)
	{
		cl_buf_append(out, value.ptr, value.len);
		return;
	}
	c = delims[level];
	n = idx[level];
	p = v.ptr ? v.ptr : "";
	end = p + (v.ptr ? v.len : 0);
	/* pieces 1..n-1 as they are (and as many delimiters as missing) */
	for (int i = 1; i < n; i++)
	{
		const char *q = c ? memchr(p, c, (size_t) (end - p)) : NULL;

		if (q == NULL)
		{
			cl_buf_append(out, p, (size_t) (end - p));
			for (; i < n; i++)
				cl_buf_append_char(out, c);
			/* the target piece is new */
			replace_piece(out, HL7_SPAN_ABSENT, delims, idx, level + 1, depth, value);
			return;
		}
		cl_buf_append(out, p, (size_t) (q + 1 - p));
		p = q + 1;
	}
	{
		const char *q = c ? memchr(p, c, (size_t) (end - p)) : NULL;

		piece.ptr = p;
		piece.len = (size_t) ((q ? q : end) - p);
		replace_piece(out, piece, delims, idx, level + 1, depth, value);
		if (q)
			cl_buf_append(out, q, (size_t) (end - q));
	}
}

static bool
set_error(cl_error *err, const char *what)
{
	return cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET, "%s", what);
}

/*
 * hl7_set
 */
bool
hl7_set(const hl7_msg *m, const hl7_path *p, const char *value, size_t len,
		cl_buf *out, cl_error *err)
{
	bool		msh = memcmp(p->seg, "MSH", 3) == 0;
	cl_buf		enc;
	char		delims[4];
	int			idx[4];
	int			depth;
	int			occ = p->occurrence ? p->occurrence : 1;
	int			seen = 0;
	long		target = -1;
	hl7_span	val;

	if (p->field == 0)
		return set_error(err, "hl7_set needs a path with a field (a whole segment cannot be set)");
	if (msh && p->field <= 2)
		return set_error(err, "MSH-1 and MSH-2 (the delimiters) cannot be set");
	if (value == NULL && len > 0)
		return set_error(err, "value is missing");
	if (len > 0 && memchr(value, '\0', len) != NULL)
		return set_error(err, "value contains a NUL byte");

	delims[0] = m->delims.field;
	delims[1] = m->delims.repetition;
	delims[2] = m->delims.component;
	delims[3] = m->delims.subcomponent;
	idx[0] = msh ? p->field : p->field + 1;	/* piece 1 is the id */
	idx[1] = p->repetition ? p->repetition : 1;
	idx[2] = p->component;
	idx[3] = p->subcomponent;
	depth = p->subcomponent ? 4 : p->component ? 3 : 2;
	for (int l = 1; l < depth; l++)
		if (delims[l] == '\0' && idx[l] > 1)
			return set_error(err, "the message declares no delimiter for this path level");

	for (size_t i = 0; i < m->nsegs; i++)
	{
		const unsigned char *e = m->index + i * HL7_INDEX_ENTRY;

		if (memcmp(e + 8, p->seg, 3) == 0 && ++seen == occ)
		{
			target = (long) i;
			break;
		}
	}
	if (target < 0 && msh)
		return set_error(err, "hl7_set cannot create an MSH segment");

	cl_buf_init(&enc, out->alloc, len + 16);
	if (!hl7_escape(value ? value : "", len, &m->delims, &enc, err))
	{
		cl_buf_free(&enc);
		return false;
	}
	if (enc.failed)
	{
		cl_buf_free(&enc);
		return hl7_nomem(err);
	}
	val.ptr = enc.data;
	val.len = enc.len;

	if (target >= 0)
	{
		hl7_span	seg = hl7_msg_segment_span(m, (size_t) target);
		size_t		before = (size_t) (seg.ptr - m->text);
		size_t		after = before + seg.len;

		cl_buf		segbuf;
		cl_buf		nl;
		cl_error	nlerr;

		cl_buf_reserve(out, m->text_len + val.len + 16);
		cl_buf_append(out, m->text, before);

		/*
		 * Line feeds kept as text inside the edited segment (a multi-line NTE
		 * in a CR message) are written as the newline escape (\.br\, or
		 * \X0A\): what precedes them may now be followed by a field
		 * separator, which would turn the next line into a segment header on
		 * re-parsing.  Decoded values are unchanged.
		 */
		cl_buf_init(&segbuf, out->alloc, seg.len + val.len + 16);
		replace_piece(&segbuf, seg, delims, idx, 0, depth, val);
		cl_buf_init(&nl, out->alloc, 16);
		cl_error_clear(&nlerr);
		if (!segbuf.failed && memchr(segbuf.data, '\n', segbuf.len) != NULL &&
			hl7_escape("\n", 1, &m->delims, &nl, &nlerr))
		{
			const char *q = segbuf.data;
			const char *send = segbuf.data + segbuf.len;

			while (q < send)
			{
				const char *lf = memchr(q, '\n', (size_t) (send - q));

				if (lf == NULL)
				{
					cl_buf_append(out, q, (size_t) (send - q));
					break;
				}
				cl_buf_append(out, q, (size_t) (lf - q));
				cl_buf_append(out, nl.data, nl.len);
				q = lf + 1;
			}
		}
		else
			cl_buf_append(out, segbuf.data, segbuf.len);
		if (segbuf.failed || nl.failed)
			out->failed = true;
		cl_buf_free(&segbuf);
		cl_buf_free(&nl);
		cl_buf_append(out, m->text + after, m->text_len - after);
	}
	else
	{
		hl7_span	seg;

		seg.ptr = p->seg;
		seg.len = 3;
		cl_buf_append(out, m->text, m->text_len);
		for (int k = seen + 1; k < occ; k++)
		{
			cl_buf_append(out, p->seg, 3);
			cl_buf_append_char(out, '\r');
		}
		replace_piece(out, seg, delims, idx, 0, depth, val);
		cl_buf_append_char(out, '\r');
	}
	cl_buf_free(&enc);
	if (out->failed)
		return hl7_nomem(err);
	return true;
}
