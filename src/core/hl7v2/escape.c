/*
 * escape.c
 *		HL7 v2 escape sequences: decoding and encoding.
 */
#include <string.h>

#include "hl7v2_internal.h"

#define HL7_MAX_SP 100

static inline int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * decode_hex
 *		\Xhh..\ content (after the X): even count of hex digits, no 00 byte.
 *		Valid UTF-8 sequences are copied, other bytes taken as ISO-8859-1.
 *		Returns false when the content is not a decodable hex escape (the
 *		caller then keeps it verbatim).
 */
static bool
decode_hex(const char *h, size_t n, cl_buf *out)
{
	unsigned char tmp[64];
	size_t		nb = n / 2;
	size_t		i = 0;

	if (n == 0 || n % 2 != 0)
		return false;
	for (size_t k = 0; k < n; k += 2)
	{
		int			a = hexval((unsigned char) h[k]);
		int			b = hexval((unsigned char) h[k + 1]);

		if (a < 0 || b < 0 || (a == 0 && b == 0))
			return false;
	}
	/* decode in windows; keep a partial UTF-8 sequence across windows */
	while (i < nb)
	{
		size_t		w = 0;

		while (w < sizeof(tmp) && i + w < nb)
		{
			tmp[w] = (unsigned char) (hexval((unsigned char) h[2 * (i + w)]) * 16 +
									  hexval((unsigned char) h[2 * (i + w) + 1]));
			w++;
		}
		{
			size_t		k = 0;
			size_t		used;

			while (k < w)
			{
				int			sl = cl_utf8_seqlen(tmp + k, w - k);

				if (sl == 0 && w - k < 4 && i + w < nb && tmp[k] >= 0xC2)
					break;		/* maybe cut by the window: retry */
				if (sl > 0)
				{
					cl_buf_append(out, tmp + k, (size_t) sl);
					k += (size_t) sl;
				}
				else
				{
					unsigned char c = tmp[k++];

					if (c < 0x80)
						cl_buf_append_char(out, (char) c);
					else
					{
						cl_buf_append_char(out, (char) (0xC0 | (c >> 6)));
						cl_buf_append_char(out, (char) (0x80 | (c & 0x3F)));
					}
				}
			}
			used = k;
			i += used;
		}
	}
	return true;
}

/*
 * hl7_unescape
 */
bool
hl7_unescape(const char *v, size_t len, const hl7_delims *d, cl_buf *out,
			 cl_error *err)
{
	const char *p = v;
	const char *end = v + len;
	char		esc = d->escape;

	while (p < end)
	{
		const char *e = hl7_find(p, end, esc);
		const char *close;
		const char *c;
		size_t		n;

		if (e == NULL)
		{
			cl_buf_append(out, p, (size_t) (end - p));
			break;
		}
		cl_buf_append(out, p, (size_t) (e - p));
		close = hl7_find(e + 1, end, esc);
		if (close == NULL)
		{
			/* no closing escape character: literal */
			cl_buf_append(out, e, (size_t) (end - e));
			break;
		}
		c = e + 1;
		n = (size_t) (close - c);
		p = close + 1;
		if (n == 1)
		{
			char		r = '\0';

			switch (*c)
			{
				case 'F':
					r = d->field;
					break;
				case 'S':
					r = d->component;
					break;
				case 'T':
					r = d->subcomponent;
					break;
				case 'R':
					r = d->repetition;
					break;
				case 'E':
					r = d->escape;
					break;
				case 'P':
					r = d->truncation;
					break;
			}
			if (r != '\0')
			{
				cl_buf_append_char(out, r);
				continue;
			}
		}
		else if (n >= 2 && c[0] == 'X')
		{
			size_t		mark = out->len;

			if (decode_hex(c + 1, n - 1, out))
				continue;
			out->len = mark;
			if (out->data && !out->failed)
				out->data[mark] = '\0';
		}
		else if (n == 3 && memcmp(c, ".br", 3) == 0)
		{
			cl_buf_append_char(out, '\n');
			continue;
		}
		else if (n >= 3 && memcmp(c, ".sp", 3) == 0)
		{
			size_t		k = 3;
			int			count = 1;

			while (k < n && c[k] == ' ')
				k++;
			if (k < n)
			{
				count = 0;
				while (k < n && c[k] >= '0' && c[k] <= '9')
				{
					if (count <= HL7_MAX_SP)
						count = count * 10 + (c[k] - '0');
					k++;
				}
			}
			if (k == n)
			{
				if (count > HL7_MAX_SP)
					count = HL7_MAX_SP;
				for (int i = 0; i < count; i++)
					cl_buf_append_char(out, '\n');
				continue;
			}
		}
		/* everything else verbatim */
		cl_buf_append(out, e, n + 2);
	}
	if (out->failed)
		return hl7_nomem(err);
	return true;
}

/*
 * hl7_escape
 */
bool
hl7_escape(const char *v, size_t len, const hl7_delims *d, cl_buf *out,
		   cl_error *err)
{
	unsigned char special[256];
	const char *p = v;
	const char *end = v + len;
	char		esc = d->escape;
	const char *nl = ".br";

	memset(special, 0, sizeof(special));
	special[(unsigned char) d->field] = 'F';
	if (d->component)
		special[(unsigned char) d->component] = 'S';
	if (d->repetition)
		special[(unsigned char) d->repetition] = 'R';
	if (d->subcomponent)
		special[(unsigned char) d->subcomponent] = 'T';
	if (d->truncation)
		special[(unsigned char) d->truncation] = 'P';
	if (esc)
		special[(unsigned char) esc] = 'E';
	special['\r'] = 'b';
	special['\n'] = 'b';
	special[0] = 0;
	/*
	 * \.br\ would break a message whose delimiters include '.', 'b' or 'r'
	 * (MSH-2 may declare letters): use \X0A\ then.
	 */
	if (special['.'] || special['b'] || special['r'])
		nl = "X0A";

	if (!cl_buf_reserve(out, len))
		return hl7_nomem(err);
	while (p < end)
	{
		const char *s = p;

		while (p < end && !special[(unsigned char) *p])
			p++;
		if (p > s)
			cl_buf_append(out, s, (size_t) (p - s));
		if (p == end)
			break;
		if (esc == '\0')
			return cl_error_set(err, CL_ERR_INVALID_PARAM, (size_t) (p - v),
								"cannot escape this value: the message declares no escape character");
		{
			/* the letters of the escape sequence must not be delimiters */
			const char *seq = special[(unsigned char) *p] == 'b' ? nl : NULL;
			char		code = (char) special[(unsigned char) *p];

			if ((seq == NULL && special[(unsigned char) code]) ||
				(seq != NULL && (special[(unsigned char) seq[0]] ||
								 special[(unsigned char) seq[1]] ||
								 special[(unsigned char) seq[2]])))
				return cl_error_set(err, CL_ERR_INVALID_PARAM, (size_t) (p - v),
									"cannot escape this value: its escape sequence would contain one of the message's delimiters (letters or digits declared in MSH-2)");
		}
		cl_buf_append_char(out, esc);
		if (special[(unsigned char) *p] == 'b')
		{
			cl_buf_append(out, nl, 3);
			if (*p == '\r' && p + 1 < end && p[1] == '\n')
				p++;
		}
		else
			cl_buf_append_char(out, (char) special[(unsigned char) *p]);
		cl_buf_append_char(out, esc);
		p++;
	}
	if (out->failed)
		return hl7_nomem(err);
	return true;
}
