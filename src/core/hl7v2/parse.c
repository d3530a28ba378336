/*
 * parse.c
 *		HL7 v2 message text -> stored image (header, text, segment index),
 *		and read-only views of images.
 */
#include <string.h>

#include "hl7v2_internal.h"

static inline void
put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char) v;
	p[1] = (unsigned char) (v >> 8);
	p[2] = (unsigned char) (v >> 16);
	p[3] = (unsigned char) (v >> 24);
}

/*
 * parse_error
 *		Fills err for a malformed message: "<what> in segment N (ID)
 *		at byte OFF: "<fragment>"".  segno 0 = no segment context.
 */
static bool
parse_error(cl_error *err, cl_errcode code, const char *in, size_t len,
			size_t off, int segno, const char *segid, const char *what)
{
	char		frag[4 * CL_ERR_FRAGMENT_CHARS + 8];

	cl_fragment(frag, sizeof(frag), in, len, off, CL_ERR_FRAGMENT_CHARS);
	if (segno > 0 && segid && segid[0])
	{
		cl_error_set(err, code, off, "%s in segment %d (%s) at byte %zu: \"%s\"",
					 what, segno, segid, off, frag);
		cl_error_where(err, "segment %d (%s)", segno, segid);
	}
	else if (segno > 0)
	{
		cl_error_set(err, code, off, "%s in segment %d at byte %zu: \"%s\"",
					 what, segno, off, frag);
		cl_error_where(err, "segment %d", segno);
	}
	else
		cl_error_set(err, code, off, "%s at byte %zu: \"%s\"",
					 what, off, frag);
	return false;
}

/*
 * is_segment_start
 *		Does p start a segment: 3 of [A-Z0-9] then the field separator, a
 *		terminator or the end?
 */
static inline bool
is_segment_start(const char *p, const char *end, char fs)
{
	if (end - p < 3)
		return false;
	if (!hl7_is_idchar((unsigned char) p[0]) ||
		!hl7_is_idchar((unsigned char) p[1]) ||
		!hl7_is_idchar((unsigned char) p[2]))
		return false;
	if (end - p == 3)
		return true;
	return p[3] == fs || p[3] == '\r' || p[3] == '\n';
}

/*
 * looks_like_segment_header
 *		Does the line at p start with upper-case letters or digits directly
 *		followed by the field separator ("PIDX|", "PV|")?  Such a line is
 *		taken as a segment (and its id checked), not as a continuation of the
 *		text before it: free text never holds an unescaped field separator.
 *		Looks at most 16 bytes ahead, so parsing stays linear.
 */
static inline bool
looks_like_segment_header(const char *p, const char *end, char fs)
{
	const char *q = p;

	while (q < end && q - p < 16 && hl7_is_idchar((unsigned char) *q))
		q++;
	return q > p && q < end && *q == fs;
}

/*
 * blank_line
 *		Is the line starting at p only spaces and tabs?
 */
static inline bool
blank_line(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p == end || *p == '\r' || *p == '\n';
}

/*
 * read_msh_delims
 *		Reads MSH-1/MSH-2 at p (which starts with "MSH").  seg_end is the
 *		first CR/LF after p (or end).
 */
static bool
read_msh_delims(const char *in, size_t len, const char *p, const char *seg_end,
				hl7_delims *d, cl_error *err)
{
	const char *q;
	size_t		k;
	cl_error	e2;

	memset(d, 0, sizeof(*d));
	if (seg_end - p < 5)
		return parse_error(err, CL_ERR_SYNTAX, in, len, (size_t) (p - in), 1,
						   "MSH", "MSH shorter than its encoding characters");
	d->field = p[3];
	q = memchr(p + 4, d->field, (size_t) (seg_end - (p + 4)));
	if (q == NULL)
	{
		/* MSH-2 runs to the end of the segment */
		k = (size_t) (seg_end - (p + 4));
		if (k < 4)
			return parse_error(err, CL_ERR_SYNTAX, in, len, (size_t) (p - in), 1,
							   "MSH", "MSH shorter than its encoding characters");
	}
	else
		k = (size_t) (q - (p + 4));
	if (k == 0)
		return parse_error(err, CL_ERR_SYNTAX, in, len, (size_t) (p + 4 - in), 1,
						   "MSH", "MSH-2 (encoding characters) is empty");
	if (k > 5)
		return parse_error(err, CL_ERR_SYNTAX, in, len, (size_t) (p + 4 - in), 1,
						   "MSH", "MSH-2 has more than 5 encoding characters");
	d->component = p[4];
	if (k > 1)
		d->repetition = p[5];
	if (k > 2)
		d->escape = p[6];
	if (k > 3)
		d->subcomponent = p[7];
	if (k > 4)
		d->truncation = p[8];
	cl_error_clear(&e2);
	if (!hl7_delims_check(d, &e2))
	{
		char		what[CL_ERR_MSG_LEN];

		snprintf(what, sizeof(what), "%s", e2.message);
		return parse_error(err, CL_ERR_SYNTAX, in, len, (size_t) (p + 3 - in), 1,
						   "MSH", what);
	}
	return true;
}

/*
 * hl7_parse_image
 *		One pass: the text is copied segment by segment behind the header,
 *		the index entries are collected at the end of the buffer (which grows
 *		geometrically when needed) and moved behind the text at the end.
 */
bool
hl7_parse_image(const char *in, size_t len, const cl_allocator *a,
				size_t header_reserve, void **image, size_t *image_len,
				cl_error *err)
{
	const char *p = in;
	const char *end = in + len;
	const char *next_cr,
			   *next_lf;
	const char *seg_start;
	const char *msh_end;
	hl7_delims	d;
	size_t		textcap,
				idxcap,
				bufsize,
				nsegs = 0,
				tl = 0,
				bad,
				nenc;
	unsigned char *buf,
			   *text,
			   *idx;

	*image = NULL;
	*image_len = 0;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	if (len > CL_MAX_ALLOC - 4096)
		return cl_error_set(err, CL_ERR_LIMIT, CL_NO_OFFSET,
							"HL7 message of %zu bytes is too large", len);
	if (memchr(in, '\0', len) != NULL)
	{
		size_t		off = (size_t) ((const char *) memchr(in, '\0', len) - in);

		return parse_error(err, CL_ERR_SYNTAX, in, len, off, 0, NULL,
						   "NUL byte in HL7 message");
	}
	bad = cl_utf8_validate(p, (size_t) (end - p));
	if (bad != CL_NO_OFFSET)
	{
		bad += (size_t) (p - in);
		return parse_error(err, CL_ERR_ENCODING, in, len, bad, 0, NULL,
						   "invalid UTF-8 in HL7 message");
	}
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	if (p == end)
		return cl_error_set(err, CL_ERR_SYNTAX, CL_NO_OFFSET, "empty HL7 message");
	if (end - p < 3 || memcmp(p, "MSH", 3) != 0)
		return parse_error(err, CL_ERR_SYNTAX, in, len, (size_t) (p - in), 0, NULL,
						   "HL7 message does not start with an MSH segment");
	msh_end = p + 3;
	while (msh_end < end && *msh_end != '\r' && *msh_end != '\n')
		msh_end++;
	if (!read_msh_delims(in, len, p, msh_end, &d, err))
		return false;

	nenc = (size_t) ((d.component != 0) + (d.repetition != 0) + (d.escape != 0) +
					 (d.subcomponent != 0) + (d.truncation != 0));

	/* text <= input + final terminator; index estimated, grown on need */
	textcap = (size_t) (end - p) + 1;
	idxcap = textcap / 64 + 8;
	bufsize = header_reserve + HL7_IMAGE_HEADER + textcap + idxcap * HL7_INDEX_ENTRY;
	if (bufsize > CL_MAX_ALLOC)
		return cl_error_set(err, CL_ERR_LIMIT, CL_NO_OFFSET,
							"HL7 message of %zu bytes is too large", len);
	buf = cl_alloc(a, bufsize);
	if (buf == NULL)
		return hl7_nomem(err);
	text = buf + header_reserve + HL7_IMAGE_HEADER;
	idx = text + textcap;

	next_cr = memchr(p, '\r', (size_t) (end - p));
	next_lf = memchr(p, '\n', (size_t) (end - p));
	if (next_cr == NULL)
		next_cr = end;
	if (next_lf == NULL)
		next_lf = end;
	seg_start = p;
	while (seg_start < end)
	{
		const char *q = p;
		const char *next;
		size_t		slen;

		/* find the end of the segment starting at seg_start */
		for (;;)
		{
			if (next_cr < q)
			{
				next_cr = memchr(q, '\r', (size_t) (end - q));
				if (next_cr == NULL)
					next_cr = end;
			}
			if (next_lf < q)
			{
				next_lf = memchr(q, '\n', (size_t) (end - q));
				if (next_lf == NULL)
					next_lf = end;
			}
			if (next_cr < next_lf)
			{
				q = next_cr;
				next = q + 1;
				if (next < end && *next == '\n')
					next++;
				break;
			}
			if (next_lf == end)
			{
				q = end;
				next = end;
				break;
			}
			/* a lone LF: a terminator only before a segment or blank line */
			q = next_lf;
			next = q + 1;
			if (q == seg_start || next == end || *next == '\r' || *next == '\n' ||
				is_segment_start(next, end, d.field) ||
				looks_like_segment_header(next, end, d.field) ||
				((*next == ' ' || *next == '\t') && blank_line(next, end)))
				break;
			q = next;			/* LF is text; go on */
		}
		slen = (size_t) (q - seg_start);
		/* lines of only spaces and tabs are dropped like empty lines */
		if (slen > 0 && (*seg_start == ' ' || *seg_start == '\t') &&
			blank_line(seg_start, q))
			slen = 0;
		if (slen > 0)
		{
			unsigned char *e;

			if (slen < 3 ||
				!hl7_is_idchar((unsigned char) seg_start[0]) ||
				!hl7_is_idchar((unsigned char) seg_start[1]) ||
				!hl7_is_idchar((unsigned char) seg_start[2]) ||
				(slen > 3 && seg_start[3] != d.field))
			{
				cl_free(a, buf);
				return parse_error(err, CL_ERR_SYNTAX, in, len,
								   (size_t) (seg_start - in), (int) nsegs + 1, NULL,
								   "invalid segment id (expected 3 characters A-Z, 0-9 then the field separator)");
			}
			/* MSH-2 must end at a field separator or the segment end */
			if (nsegs == 0 && slen != 4 + nenc && seg_start[4 + nenc] != d.field)
			{
				cl_free(a, buf);
				return parse_error(err, CL_ERR_SYNTAX, in, len,
								   (size_t) (seg_start + 4 + nenc - in), 1, "MSH",
								   "MSH-2 (encoding characters) is not followed by the field separator");
			}
			if (nsegs == idxcap)
			{
				size_t		ncap = idxcap * 2;
				size_t		nsize = header_reserve + HL7_IMAGE_HEADER + textcap +
				ncap * HL7_INDEX_ENTRY;
				unsigned char *nb;

				if (nsize > CL_MAX_ALLOC)
				{
					cl_free(a, buf);
					return cl_error_set(err, CL_ERR_LIMIT, CL_NO_OFFSET,
										"HL7 message has too many segments");
				}
				nb = cl_realloc(a, buf, bufsize, nsize);
				if (nb == NULL)
				{
					cl_free(a, buf);
					return hl7_nomem(err);
				}
				buf = nb;
				bufsize = nsize;
				idxcap = ncap;
				text = buf + header_reserve + HL7_IMAGE_HEADER;
				idx = text + textcap;
			}
			memcpy(text + tl, seg_start, slen);
			text[tl + slen] = '\r';
			e = idx + nsegs * HL7_INDEX_ENTRY;
			put_u32(e, (uint32_t) tl);
			put_u32(e + 4, (uint32_t) slen);
			e[8] = (unsigned char) seg_start[0];
			e[9] = (unsigned char) seg_start[1];
			e[10] = (unsigned char) seg_start[2];
			e[11] = 0;
			tl += slen + 1;
			nsegs++;
		}
		seg_start = p = next;
	}

	/* header, then move the index right behind the text */
	{
		unsigned char *h = buf + header_reserve;

		h[0] = HL7_IMAGE_VERSION;
		h[1] = 0;
		h[2] = (unsigned char) d.field;
		h[3] = (unsigned char) d.component;
		h[4] = (unsigned char) d.repetition;
		h[5] = (unsigned char) d.escape;
		h[6] = (unsigned char) d.subcomponent;
		h[7] = (unsigned char) d.truncation;
		put_u32(h + 8, (uint32_t) nsegs);
		put_u32(h + 12, (uint32_t) tl);
		if (tl != textcap)
			memmove(text + tl, idx, nsegs * HL7_INDEX_ENTRY);
	}
	*image = buf;
	*image_len = header_reserve + HL7_IMAGE_HEADER + tl + nsegs * HL7_INDEX_ENTRY;
	return true;
}

static bool
image_error(cl_error *err, const char *what)
{
	return cl_error_set(err, CL_ERR_SYNTAX, CL_NO_OFFSET,
						"malformed hl7v2 image: %s", what);
}

/*
 * hl7_msg_view
 *		Structural check of an image in O(segments) and a view of it.
 */
bool
hl7_msg_view(const void *image, size_t len, hl7_msg *out, cl_error *err)
{
	const unsigned char *h = image;
	uint64_t	nsegs,
				tl;
	size_t		expect = 0;
	cl_error	e2;

	if (len < HL7_IMAGE_HEADER)
		return image_error(err, "too short");
	if (h[0] != HL7_IMAGE_VERSION || h[1] != 0)
		return image_error(err, "unknown format version");
	out->delims.field = (char) h[2];
	out->delims.component = (char) h[3];
	out->delims.repetition = (char) h[4];
	out->delims.escape = (char) h[5];
	out->delims.subcomponent = (char) h[6];
	out->delims.truncation = (char) h[7];
	cl_error_clear(&e2);
	if (!hl7_delims_check(&out->delims, &e2))
		return image_error(err, "invalid delimiters");
	nsegs = hl7_read_u32(h + 8);
	tl = hl7_read_u32(h + 12);
	if (nsegs == 0 ||
		(uint64_t) HL7_IMAGE_HEADER + tl + nsegs * HL7_INDEX_ENTRY != (uint64_t) len)
		return image_error(err, "inconsistent sizes");
	out->nsegs = (uint32_t) nsegs;
	out->text = (const char *) h + HL7_IMAGE_HEADER;
	out->text_len = (size_t) tl;
	out->index = h + HL7_IMAGE_HEADER + tl;
	for (size_t i = 0; i < nsegs; i++)
	{
		const unsigned char *e = out->index + i * HL7_INDEX_ENTRY;
		size_t		off = hl7_read_u32(e);
		size_t		sl = hl7_read_u32(e + 4);

		if (off != expect || sl < 3 || sl >= tl - off ||
			out->text[off + sl] != '\r' ||
			memcmp(out->text + off, e + 8, 3) != 0 || e[11] != 0)
			return image_error(err, "bad segment index");
		expect = off + sl + 1;
	}
	if (expect != tl || memcmp(out->text, "MSH", 3) != 0)
		return image_error(err, "bad segment index");
	return true;
}

/*
 * hl7_image_verify
 *		Everything hl7_msg_view checks plus the text itself.
 */
bool
hl7_image_verify(const void *image, size_t len, cl_error *err)
{
	hl7_msg		m;
	hl7_delims	d;
	hl7_seginfo s;

	if (!hl7_msg_view(image, len, &m, err))
		return false;
	if (memchr(m.text, '\0', m.text_len) != NULL)
		return image_error(err, "NUL byte in text");
	if (cl_utf8_validate(m.text, m.text_len) != CL_NO_OFFSET)
		return cl_error_set(err, CL_ERR_ENCODING, CL_NO_OFFSET,
							"malformed hl7v2 image: invalid UTF-8");
	hl7_msg_segment(&m, 0, &s);
	if (!read_msh_delims(m.text, m.text_len, m.text, m.text + s.len, &d, err))
		return false;
	if (memcmp(&d, &m.delims, sizeof(d)) != 0)
		return image_error(err, "delimiters differ from MSH");
	for (size_t i = 0; i < m.nsegs; i++)
	{
		const char *t;

		hl7_msg_segment(&m, i, &s);
		t = m.text + s.offset;
		if (!hl7_is_idchar((unsigned char) t[0]) ||
			!hl7_is_idchar((unsigned char) t[1]) ||
			!hl7_is_idchar((unsigned char) t[2]) ||
			(s.len > 3 && t[3] != m.delims.field) ||
			memchr(t, '\r', s.len) != NULL)
			return image_error(err, "bad segment");
	}
	return true;
}

/*
 * hl7_msg_segment_span
 */
hl7_span
hl7_msg_segment_span(const hl7_msg *m, size_t i)
{
	hl7_seginfo s;
	hl7_span	r;

	hl7_msg_segment(m, i, &s);
	r.ptr = m->text + s.offset;
	r.len = s.len;
	return r;
}
