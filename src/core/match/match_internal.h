/*
 * match_internal.h
 *		Helpers shared by the files of the patient-matching core (not public
 *		API).
 */
#ifndef MATCH_INTERNAL_H
#define MATCH_INTERNAL_H

#include <string.h>

#include "clinical/match.h"

/* nicknames_table.c (generated) */
extern const int cl_nick_count;
extern const char *const cl_nick_names[];
extern const unsigned char cl_nick_flags[];
extern const unsigned short cl_nick_parent_start[];
extern const unsigned short cl_nick_parents[];

/*
 * Decodes the code point at s[*pos] and advances *pos; an invalid byte is
 * returned as 0xDC00 + byte (a lone surrogate, never a real character) and
 * advances by one.
 */
static inline uint32_t
cl_match_next_cp(const char *s, size_t len, size_t *pos)
{
	const unsigned char *p = (const unsigned char *) s + *pos;
	int			n = cl_utf8_seqlen(p, len - *pos);
	uint32_t	c;

	if (n <= 0)
	{
		(*pos)++;
		return 0xDC00u + p[0];
	}
	*pos += (size_t) n;
	switch (n)
	{
		case 1:
			c = p[0];
			break;
		case 2:
			c = ((uint32_t) (p[0] & 0x1F) << 6) | (p[1] & 0x3F);
			break;
		case 3:
			c = ((uint32_t) (p[0] & 0x0F) << 12) | ((uint32_t) (p[1] & 0x3F) << 6) |
				(p[2] & 0x3F);
			break;
		default:
			c = ((uint32_t) (p[0] & 0x07) << 18) | ((uint32_t) (p[1] & 0x3F) << 12) |
				((uint32_t) (p[2] & 0x3F) << 6) | (p[3] & 0x3F);
			break;
	}
	return c;
}

/* decodes at most max code points of s into out; returns their number */
static inline int
cl_match_decode(const char *s, size_t len, uint32_t *out, int max)
{
	size_t		pos = 0;
	int			n = 0;

	while (pos < len && n < max)
		out[n++] = cl_match_next_cp(s, len, &pos);
	return n;
}

/* mathutil.c: log2 and exp2 without libm; ln and e^x through them */
double		cl_match_log2(double x);
double		cl_match_exp2(double x);
#define CL_LN2 0.69314718055994530942
static inline double
cl_match_ln(double x)
{
	return cl_match_log2(x) * CL_LN2;
}
static inline double
cl_match_exp(double x)
{
	return cl_match_exp2(x / CL_LN2);
}
static inline double
cl_match_fabs(double x)
{
	return x < 0 ? -x : x;
}

/* appends code point c as UTF-8 */
bool		cl_match_put_cp(cl_buf *out, uint32_t c);

/* the first space-separated word of s: its length */
static inline size_t
cl_match_first_word_len(const char *s)
{
	const char *sp = strchr(s, ' ');

	return sp ? (size_t) (sp - s) : strlen(s);
}

#endif							/* MATCH_INTERNAL_H */
