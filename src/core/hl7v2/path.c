/*
 * path.c
 *		HL7 paths: SEG[(n)][-FIELD[(r)][.COMPONENT[.SUBCOMPONENT]]] and the
 *		dashed form SEG-F-C-S.
 */
#include <stdio.h>
#include <string.h>

#include "hl7v2_internal.h"

typedef struct pstate
{
	const char *s;
	size_t		len;			/* without trailing spaces */
	size_t		pos;
	cl_error   *err;
} pstate;

/*
 * bad_char
 *		'invalid character "x" at position N in HL7 path' (or "unexpected end").
 */
static bool
bad_char(pstate *ps, const char *expected)
{
	char		frag[16];

	if (ps->pos >= ps->len)
		cl_error_set(ps->err, CL_ERR_INVALID_PARAM, ps->pos,
					 "HL7 path ends unexpectedly at position %zu, expected %s",
					 ps->pos + 1, expected);
	else
	{
		cl_fragment(frag, sizeof(frag), ps->s, ps->len, ps->pos, 1);
		/* drop the "..." that marks a cut */
		{
			size_t		fl = strlen(frag);

			if (fl >= 3 && strcmp(frag + fl - 3, "...") == 0)
				frag[fl - 3] = '\0';
		}
		cl_error_set(ps->err, CL_ERR_INVALID_PARAM, ps->pos,
					 "invalid character \"%s\" at position %zu in HL7 path, expected %s",
					 frag, ps->pos + 1, expected);
	}
	cl_error_hint(ps->err, HL7_GRAMMAR_HINT);
	return false;
}

/*
 * number
 *		A positive decimal index.
 */
static bool
number(pstate *ps, int *out, const char *what)
{
	size_t		start = ps->pos;
	long		v = 0;

	if (ps->pos >= ps->len || ps->s[ps->pos] < '0' || ps->s[ps->pos] > '9')
		return bad_char(ps, what);
	while (ps->pos < ps->len && ps->s[ps->pos] >= '0' && ps->s[ps->pos] <= '9')
	{
		v = v * 10 + (ps->s[ps->pos] - '0');
		if (v > HL7_PATH_MAX_INDEX)
		{
			cl_error_set(ps->err, CL_ERR_INVALID_PARAM, start,
						 "%s at position %zu in HL7 path is too large (at most %d)",
						 what, start + 1, HL7_PATH_MAX_INDEX);
			cl_error_hint(ps->err, HL7_GRAMMAR_HINT);
			return false;
		}
		ps->pos++;
	}
	if (v == 0)
	{
		cl_error_set(ps->err, CL_ERR_INVALID_PARAM, start,
					 "%s 0 at position %zu in HL7 path: indexes are 1-based",
					 what, start + 1);
		cl_error_hint(ps->err, HL7_GRAMMAR_HINT);
		return false;
	}
	*out = (int) v;
	return true;
}

/* "(n)" */
static bool
paren_number(pstate *ps, int *out, const char *what)
{
	ps->pos++;					/* '(' */
	if (!number(ps, out, what))
		return false;
	if (ps->pos >= ps->len || ps->s[ps->pos] != ')')
		return bad_char(ps, "\")\"");
	ps->pos++;
	return true;
}

/*
 * hl7_path_parse
 */
bool
hl7_path_parse(const char *s, size_t len, hl7_path *p, cl_error *err)
{
	pstate		ps;

	memset(p, 0, sizeof(*p));
	ps.s = s;
	ps.err = err;
	ps.pos = 0;
	while (len > 0 && s[len - 1] == ' ')
		len--;
	ps.len = len;
	while (ps.pos < len && s[ps.pos] == ' ')
		ps.pos++;
	if (ps.pos == len)
	{
		cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET, "HL7 path is empty");
		cl_error_hint(err, HL7_GRAMMAR_HINT);
		return false;
	}
	for (int i = 0; i < 3; i++)
	{
		if (ps.pos >= len || !hl7_is_idchar((unsigned char) s[ps.pos]))
			return bad_char(&ps, "a segment id of 3 characters A-Z, 0-9");
		p->seg[i] = s[ps.pos++];
	}
	p->seg[3] = '\0';
	if (ps.pos < len && s[ps.pos] == '(')
	{
		if (!paren_number(&ps, &p->occurrence, "segment occurrence"))
			return false;
	}
	if (ps.pos == len)
		return true;
	if (s[ps.pos] != '-')
		return bad_char(&ps, "\"-\" or \"(\"");
	ps.pos++;
	if (!number(&ps, &p->field, "field number"))
		return false;
	if (ps.pos < len && s[ps.pos] == '(')
	{
		if (!paren_number(&ps, &p->repetition, "repetition"))
			return false;
	}
	if (ps.pos == len)
		return true;
	if (s[ps.pos] != '.' && s[ps.pos] != '-')
		return bad_char(&ps, "\".\", \"-\" or \"(\"");
	ps.pos++;
	if (!number(&ps, &p->component, "component number"))
		return false;
	if (ps.pos == len)
		return true;
	if (s[ps.pos] != '.' && s[ps.pos] != '-')
		return bad_char(&ps, "\".\" or \"-\"");
	ps.pos++;
	if (!number(&ps, &p->subcomponent, "subcomponent number"))
		return false;
	if (ps.pos != len)
		return bad_char(&ps, "the end of the path");
	return true;
}

/*
 * hl7_path_format
 *		Canonical text of a compiled path.
 */
bool
hl7_path_format(const hl7_path *p, cl_buf *out)
{
	cl_buf_append(out, p->seg, 3);
	if (p->occurrence)
		cl_buf_printf(out, "(%d)", p->occurrence);
	if (p->field)
	{
		cl_buf_printf(out, "-%d", p->field);
		if (p->repetition)
			cl_buf_printf(out, "(%d)", p->repetition);
		if (p->component)
		{
			cl_buf_printf(out, ".%d", p->component);
			if (p->subcomponent)
				cl_buf_printf(out, ".%d", p->subcomponent);
		}
	}
	return !out->failed;
}
