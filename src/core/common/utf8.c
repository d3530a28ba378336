/*
 * utf8.c
 *		Strict UTF-8 validation (RFC 3629).
 */
#include <string.h>

#include "clinical/common.h"

int
cl_utf8_seqlen(const unsigned char *s, size_t avail)
{
	unsigned char c;

	if (avail == 0)
		return 0;
	c = s[0];
	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;				/* continuation byte or overlong lead */
	if (c < 0xE0)
	{
		if (avail < 2 || (s[1] & 0xC0) != 0x80)
			return 0;
		return 2;
	}
	if (c < 0xF0)
	{
		if (avail < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && s[1] < 0xA0)
			return 0;			/* overlong */
		if (c == 0xED && s[1] >= 0xA0)
			return 0;			/* surrogate */
		return 3;
	}
	if (c < 0xF5)
	{
		if (avail < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
			(s[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && s[1] < 0x90)
			return 0;			/* overlong */
		if (c == 0xF4 && s[1] >= 0x90)
			return 0;			/* > U+10FFFF */
		return 4;
	}
	return 0;
}

size_t
cl_utf8_validate(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		i = 0;

	while (i < len)
	{
		int			n;

		/* fast path over ASCII, eight bytes at a time */
		while (i + 8 <= len)
		{
			uint64_t	w;

			memcpy(&w, p + i, 8);
			if (w & UINT64_C(0x8080808080808080))
				break;
			i += 8;
		}
		if (i >= len)
			break;
		if (p[i] < 0x80)
		{
			i++;
			continue;
		}
		n = cl_utf8_seqlen(p + i, len - i);
		if (n == 0)
			return i;
		i += (size_t) n;
	}
	return CL_NO_OFFSET;
}
