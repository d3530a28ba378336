/*
 * lookup.c
 *		Path lookups over a message view, field iteration.
 */
#include <string.h>

#include "hl7v2_internal.h"

/*
 * hl7_piece
 *		Piece n (1-based) of v split on c.
 */
hl7_span
hl7_piece(hl7_span v, char c, int n)
{
	const char *p = v.ptr;
	const char *end;

	if (p == NULL || n < 1)
		return HL7_SPAN_ABSENT;
	end = p + v.len;
	if (c == '\0')
		return n == 1 ? v : HL7_SPAN_ABSENT;
	for (int i = 1; i < n; i++)
	{
		const char *q = memchr(p, c, (size_t) (end - p));

		if (q == NULL)
			return HL7_SPAN_ABSENT;
		p = q + 1;
	}
	{
		const char *q = memchr(p, c, (size_t) (end - p));
		hl7_span	r;

		r.ptr = p;
		r.len = (size_t) ((q ? q : end) - p);
		return r;
	}
}

/*
 * hl7__field
 *		Field n of a segment span with MSH counting: in MSH, field 1 is the
 *		separator itself and field n >= 2 is the (n-1)-th piece after the id.
 */
hl7_span
hl7__field(const hl7_delims *d, hl7_span seg, int n)
{
	bool		msh = seg.len >= 3 && memcmp(seg.ptr, "MSH", 3) == 0;
	hl7_span	rest;

	if (seg.ptr == NULL || n < 1 || seg.len <= 3)
		return HL7_SPAN_ABSENT;
	if (msh)
	{
		if (n == 1)
		{
			rest.ptr = seg.ptr + 3;
			rest.len = 1;
			return rest;
		}
		n--;
	}
	/* seg.ptr[3] is the field separator; pieces after it */
	rest.ptr = seg.ptr + 4;
	rest.len = seg.len - 4;
	return hl7_piece(rest, d->field, n);
}

hl7_span
hl7_segment_field(const hl7_msg *m, hl7_span seg, int n)
{
	return hl7__field(&m->delims, seg, n);
}

/* is this field MSH-1 or MSH-2 (atomic, never split)? */
static inline bool
atomic_field(const hl7_path *p)
{
	return p->field <= 2 && memcmp(p->seg, "MSH", 3) == 0;
}

/*
 * below_repetition
 *		Component / subcomponent of one repetition as the path asks.
 */
static hl7_span
below_repetition(const hl7_msg *m, const hl7_path *p, hl7_span rep)
{
	if (p->component)
	{
		if (atomic_field(p))
			return (p->component == 1 && p->subcomponent <= 1) ? rep : HL7_SPAN_ABSENT;
		rep = hl7_piece(rep, m->delims.component, p->component);
		if (p->subcomponent)
			rep = hl7_piece(rep, m->delims.subcomponent, p->subcomponent);
	}
	return rep;
}

static hl7_span
repetition(const hl7_msg *m, const hl7_path *p, hl7_span field, int r)
{
	if (atomic_field(p))
		return r == 1 ? field : HL7_SPAN_ABSENT;
	return hl7_piece(field, m->delims.repetition, r);
}

/*
 * find_segment
 *		Index of the occ-th (1-based) segment with id seg, or -1.
 */
static long
find_segment(const hl7_msg *m, const char *seg, int occ)
{
	int			seen = 0;

	for (size_t i = 0; i < m->nsegs; i++)
	{
		const unsigned char *e = m->index + i * HL7_INDEX_ENTRY;

		if (e[8] == (unsigned char) seg[0] && e[9] == (unsigned char) seg[1] &&
			e[10] == (unsigned char) seg[2] && ++seen == occ)
			return (long) i;
	}
	return -1;
}

/*
 * hl7_get
 *		First match of a path.
 */
hl7_span
hl7_get(const hl7_msg *m, const hl7_path *p)
{
	long		i = find_segment(m, p->seg, p->occurrence ? p->occurrence : 1);
	hl7_span	v;

	if (i < 0)
		return HL7_SPAN_ABSENT;
	v = hl7_msg_segment_span(m, (size_t) i);
	if (p->field == 0)
		return v;
	v = hl7__field(&m->delims, v, p->field);
	v = repetition(m, p, v, p->repetition ? p->repetition : 1);
	return below_repetition(m, p, v);
}

/*
 * hl7_get_all
 *		Every match; see the header for the absent-value convention.
 */
bool
hl7_get_all(const hl7_msg *m, const hl7_path *p, hl7_span_fn fn, void *arg)
{
	int			seen = 0;

	for (size_t i = 0; i < m->nsegs; i++)
	{
		const unsigned char *e = m->index + i * HL7_INDEX_ENTRY;
		hl7_span	seg,
					field;

		if (e[8] != (unsigned char) p->seg[0] || e[9] != (unsigned char) p->seg[1] ||
			e[10] != (unsigned char) p->seg[2])
			continue;
		seen++;
		if (p->occurrence && seen != p->occurrence)
			continue;
		seg = hl7_msg_segment_span(m, i);
		if (p->field == 0)
		{
			if (!fn(arg, seg))
				return false;
		}
		else
		{
			field = hl7__field(&m->delims, seg, p->field);
			if (field.ptr == NULL || p->repetition || atomic_field(p) ||
				m->delims.repetition == '\0')
			{
				hl7_span	v = repetition(m, p, field,
										   p->repetition ? p->repetition : 1);

				if (!fn(arg, below_repetition(m, p, v)))
					return false;
			}
			else
			{
				const char *s = field.ptr;
				const char *end = field.ptr + field.len;

				for (;;)
				{
					const char *q = memchr(s, m->delims.repetition, (size_t) (end - s));
					hl7_span	rep;

					rep.ptr = s;
					rep.len = (size_t) ((q ? q : end) - s);
					if (!fn(arg, below_repetition(m, p, rep)))
						return false;
					if (q == NULL)
						break;
					s = q + 1;
				}
			}
		}
		if (p->occurrence)
			break;
	}
	return true;
}

/*
 * hl7_msh_field
 *		Field n of the MSH segment (MSH counting).
 */
hl7_span
hl7_msh_field(const hl7_msg *m, int n)
{
	return hl7__field(&m->delims, hl7_msg_segment_span(m, 0), n);
}

/*
 * Field iteration for hl7_segments.
 */
void
hl7_field_iter_init(hl7_field_iter *it, const hl7_msg *m, size_t segno)
{
	hl7_span	s = hl7_msg_segment_span(m, segno);

	it->end = s.ptr + s.len;
	it->fs = m->delims.field;
	it->n = 0;
	it->msh = memcmp(s.ptr, "MSH", 3) == 0;
	it->pos = s.len > 3 ? s.ptr + 4 : NULL;
}

bool
hl7_field_iter_next(hl7_field_iter *it, hl7_span *field)
{
	const char *q;

	if (it->msh && it->n == 0 && it->pos)
	{
		field->ptr = it->pos - 1;
		field->len = 1;
		it->n = 1;
		return true;
	}
	if (it->pos == NULL)
		return false;
	q = memchr(it->pos, it->fs, (size_t) (it->end - it->pos));
	field->ptr = it->pos;
	field->len = (size_t) ((q ? q : it->end) - it->pos);
	it->pos = q ? q + 1 : NULL;
	it->n++;
	return true;
}
