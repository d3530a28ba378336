/*
 * primitives.c
 *		Validators of the FHIR R4 primitive types, written by hand from the
 *		R4 regular expressions (fhir_primitive_regex) and the rules of the
 *		datatypes page: one left-to-right pass, no regex engine, no
 *		allocation.
 *
 * "Whitespace" below is the regex class \s of the definitions (Java):
 * space, TAB, LF, VT, FF, CR.
 */
#include <string.h>

#include "fhir_model_internal.h"

/* string and markdown: "SHALL NOT exceed 1MB (1024*1024 characters)" */
#define FHIR_STRING_MAX_CHARS (1024 * 1024)
#define FHIR_ID_MAX 64

static inline bool
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static inline bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * bad
 *		Fills err for an invalid value of kind k: names the primitive,
 *		quotes the start of the value (at most CL_ERR_FRAGMENT_CHARS
 *		characters) and says what is wrong.  Returns false.
 */
static bool
bad(fhir_prim_kind k, const char *s, size_t len, size_t at, cl_error *err,
	const char *what)
{
	char		frag[CL_ERR_FRAGMENT_CHARS * 4 + 8];

	if (err == NULL)
		return false;
	if (len == 0)
		return cl_error_set(err, CL_ERR_SYNTAX, 0,
							"invalid FHIR %s value: %s",
							fhir_primitive_name(k), what);
	cl_fragment(frag, sizeof(frag), s, len, 0, CL_ERR_FRAGMENT_CHARS);
	return cl_error_set(err, CL_ERR_SYNTAX, at,
						"invalid FHIR %s value \"%s\": %s",
						fhir_primitive_name(k), frag, what);
}

/* ------------------------------------------------------------------------
 * Text: string, markdown, code, xhtml, uri, url, canonical
 * ------------------------------------------------------------------------ */

/*
 * check_text
 *		UTF-8 validity, no control characters but TAB, CR, LF (none at all
 *		when no_ws: uri, url, canonical forbid whitespace), at most
 *		max_chars characters (0: no limit).
 */
static bool
check_text(fhir_prim_kind k, const char *s, size_t len, size_t max_chars,
		   bool no_ws, cl_error *err)
{
	size_t		chars = 0;
	size_t		i = 0;

	if (len == 0)
		return bad(k, s, len, 0, err, "empty values are not allowed");
	while (i < len)
	{
		unsigned char c;

		/*
		 * Fast path: eight plain printable ASCII bytes at a time (no byte
		 * below the limit, none with the high bit, no DEL when whitespace is
		 * refused); anything else is looked at byte by byte below.
		 */
		while (i + 8 <= len)
		{
			uint64_t	w;
			uint64_t	lim = no_ws ? UINT64_C(0x2121212121212121) : UINT64_C(0x2020202020202020);
			uint64_t	hi = UINT64_C(0x8080808080808080);

			memcpy(&w, s + i, 8);
			if ((w & hi) != 0 || ((w - lim) & ~w & hi) != 0)
				break;
			if (no_ws)
			{
				uint64_t	x = w ^ UINT64_C(0x7f7f7f7f7f7f7f7f);

				if (((x - UINT64_C(0x0101010101010101)) & ~x & hi) != 0)
					break;
			}
			i += 8;
			chars += 8;
		}
		if (i >= len)
			break;
		c = (unsigned char) s[i];

		if (c < 0x80)
		{
			if (no_ws && (is_ws(c) || c < 0x20 || c == 0x7f))
				return bad(k, s, len, i, err,
						   is_ws(c) ? "whitespace is not allowed" :
						   "control characters are not allowed");
			if (c < 0x20 && c != '\t' && c != '\r' && c != '\n')
				return bad(k, s, len, i, err,
						   "control characters other than tab, CR and LF are not allowed");
			i++;
		}
		else
		{
			int			n = cl_utf8_seqlen((const unsigned char *) s + i, len - i);

			if (n == 0)
			{
				if (err)
				{
					bad(k, s, len, i, err, "invalid UTF-8");
					err->code = CL_ERR_ENCODING;
				}
				return false;
			}
			i += (size_t) n;
		}
		chars++;
	}
	if (max_chars > 0 && chars > max_chars)
		return bad(k, s, len, 0, err, "longer than 1048576 characters");
	return true;
}

/* code: [^\s]+(\s[^\s]+)* -- no leading, trailing or doubled whitespace */
/*
 * plain_token
 *		Is s[0..len) non-empty and made only of printable ASCII other than
 *		space (0x21..0x7e)?  Such a value is a valid code, uri, url and
 *		canonical at once; checked eight bytes at a time.
 */
static inline bool
plain_token(const char *s, size_t len)
{
	size_t		i = 0;
	const uint64_t hi = UINT64_C(0x8080808080808080);
	const uint64_t ones = UINT64_C(0x0101010101010101);

	if (len == 0)
		return false;
	for (; i + 8 <= len; i += 8)
	{
		uint64_t	w;
		uint64_t	x;

		memcpy(&w, s + i, 8);
		x = w ^ UINT64_C(0x7f7f7f7f7f7f7f7f);
		if ((w & hi) != 0 ||
			((w - ones * 0x21) & ~w & hi) != 0 ||
			((x - ones) & ~x & hi) != 0)
			return false;
	}
	for (; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c < 0x21 || c > 0x7e)
			return false;
	}
	return true;
}

static bool
check_code(const char *s, size_t len, cl_error *err)
{
	if (plain_token(s, len))
		return true;
	if (!check_text(FHIR_PRIM_CODE, s, len, 0, false, err))
		return false;
	if (is_ws((unsigned char) s[0]))
		return bad(FHIR_PRIM_CODE, s, len, 0, err, "leading whitespace is not allowed");
	if (is_ws((unsigned char) s[len - 1]))
		return bad(FHIR_PRIM_CODE, s, len, len - 1, err,
				   "trailing whitespace is not allowed");
	for (size_t i = 1; i < len; i++)
		if (is_ws((unsigned char) s[i]) && is_ws((unsigned char) s[i - 1]))
			return bad(FHIR_PRIM_CODE, s, len, i, err,
					   "consecutive whitespace characters are not allowed");
	return true;
}

/*
 * Character classes of the id and base64Binary alphabets: CH_ALNUM for
 * A-Z a-z 0-9, CH_ID_PUNCT for '-' and '.', CH_B64_PUNCT for '+' and '/'.
 */
#define CH_ALNUM 1
#define CH_ID_PUNCT 2
#define CH_B64_PUNCT 4
#define CH_ID (CH_ALNUM | CH_ID_PUNCT)
#define CH_B64 (CH_ALNUM | CH_B64_PUNCT)

static const unsigned char char_class[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 2, 2, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* id: [A-Za-z0-9\-\.]{1,64} */
static bool
check_id(const char *s, size_t len, cl_error *err)
{
	if (len == 0)
		return bad(FHIR_PRIM_ID, s, len, 0, err, "empty values are not allowed");
	for (size_t i = 0; i < len; i++)
	{
		if ((char_class[(unsigned char) s[i]] & CH_ID) == 0)
			return bad(FHIR_PRIM_ID, s, len, i, err,
					   "only letters, digits, '-' and '.' are allowed");
	}
	if (len > FHIR_ID_MAX)
		return bad(FHIR_PRIM_ID, s, len, FHIR_ID_MAX, err,
				   "longer than 64 characters");
	return true;
}

/* oid: urn:oid:[0-2](\.(0|[1-9][0-9]*))+ */
static bool
check_oid(const char *s, size_t len, cl_error *err)
{
	size_t		i = 8;
	int			arcs = 0;

	if (len < 8 || memcmp(s, "urn:oid:", 8) != 0)
		return bad(FHIR_PRIM_OID, s, len, 0, err, "must start with \"urn:oid:\"");
	if (i >= len || s[i] < '0' || s[i] > '2')
		return bad(FHIR_PRIM_OID, s, len, i, err, "the first arc must be 0, 1 or 2");
	i++;
	while (i < len)
	{
		size_t		start;

		if (s[i] != '.')
			return bad(FHIR_PRIM_OID, s, len, i, err, "expected '.' between arcs");
		i++;
		start = i;
		while (i < len && is_digit((unsigned char) s[i]))
			i++;
		if (i == start)
			return bad(FHIR_PRIM_OID, s, len, i, err, "empty arc");
		if (s[start] == '0' && i - start > 1)
			return bad(FHIR_PRIM_OID, s, len, start, err,
					   "arcs have no leading zeros");
		arcs++;
	}
	if (arcs == 0)
		return bad(FHIR_PRIM_OID, s, len, len, err, "needs at least two arcs");
	return true;
}

/* uuid: urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} */
static bool
check_uuid(const char *s, size_t len, cl_error *err)
{
	static const char pattern[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

	if (len < 9 || memcmp(s, "urn:uuid:", 9) != 0)
		return bad(FHIR_PRIM_UUID, s, len, 0, err, "must start with \"urn:uuid:\"");
	for (size_t i = 0; i < sizeof(pattern) - 1; i++)
	{
		unsigned char c;

		if (9 + i >= len)
			return bad(FHIR_PRIM_UUID, s, len, len, err,
					   "expected 8-4-4-4-12 lower-case hexadecimal digits");
		c = (unsigned char) s[9 + i];
		if (pattern[i] == '-' ? c != '-' :
			!(is_digit(c) || (c >= 'a' && c <= 'f')))
			return bad(FHIR_PRIM_UUID, s, len, 9 + i, err,
					   "expected 8-4-4-4-12 lower-case hexadecimal digits");
	}
	if (len != 9 + sizeof(pattern) - 1)
		return bad(FHIR_PRIM_UUID, s, len, 9 + sizeof(pattern) - 1, err,
				   "unexpected text after the UUID");
	return true;
}

/* a character of the base64 alphabet other than '=' */
static inline bool
is_b64(char c)
{
	return (char_class[(unsigned char) c] & CH_B64) != 0;
}

/*
 * base64Binary: (\s*([0-9a-zA-Z\+/=]){4}\s*)+ -- groups of four, whitespace
 * only between groups -- with '=' only as padding ("xx==", "xxx=") at the
 * end (RFC 4648).
 */
static bool
check_base64(const char *s, size_t len, cl_error *err)
{
	size_t		n = 0;			/* non-whitespace characters so far */
	bool		pad = false;
	size_t		i = 0;

	while (i < len)
	{
		unsigned char c;

		/*
		 * Fast path: runs of plain alphabet characters (A-Z a-z 0-9 + /),
		 * eight at a time through the table, before any padding.
		 */
		if (!pad)
		{
			while (i + 8 <= len && is_b64(s[i]) && is_b64(s[i + 1]) &&
				   is_b64(s[i + 2]) && is_b64(s[i + 3]) && is_b64(s[i + 4]) &&
				   is_b64(s[i + 5]) && is_b64(s[i + 6]) && is_b64(s[i + 7]))
			{
				i += 8;
				n += 8;
			}
			if (i >= len)
				break;
		}
		c = (unsigned char) s[i];
		if (is_ws(c))
		{
			if (n % 4 != 0)
				return bad(FHIR_PRIM_BASE64BINARY, s, len, i, err,
						   "whitespace inside a group of four characters");
			i++;
			continue;
		}
		if (c == '=')
		{
			if (n % 4 < 2)
				return bad(FHIR_PRIM_BASE64BINARY, s, len, i, err,
						   "misplaced '=' padding");
			pad = true;
		}
		else if (is_b64((char) c))
		{
			if (pad)
				return bad(FHIR_PRIM_BASE64BINARY, s, len, i, err,
						   "data after '=' padding");
		}
		else
			return bad(FHIR_PRIM_BASE64BINARY, s, len, i, err,
					   "invalid base64 character");
		n++;
		i++;
	}
	if (n == 0)
		return bad(FHIR_PRIM_BASE64BINARY, s, len, 0, err,
				   "empty values are not allowed");
	if (n % 4 != 0)
		return bad(FHIR_PRIM_BASE64BINARY, s, len, len, err,
				   "length is not a multiple of four");
	return true;
}

/* ------------------------------------------------------------------------
 * Numbers and booleans (the lexical form of a JSON number or boolean)
 * ------------------------------------------------------------------------ */

static bool
check_boolean(const char *s, size_t len, cl_error *err)
{
	if ((len == 4 && memcmp(s, "true", 4) == 0) ||
		(len == 5 && memcmp(s, "false", 5) == 0))
		return true;
	return bad(FHIR_PRIM_BOOLEAN, s, len, 0, err, "must be true or false");
}

/*
 * integer: -?([0]|([1-9][0-9]*)), -2147483648..2147483647
 * unsignedInt: [0]|([1-9][0-9]*), 0..2147483647
 * positiveInt: [1-9][0-9]*, 1..2147483647
 */
static bool
check_integer(fhir_prim_kind k, const char *s, size_t len, cl_error *err)
{
	size_t		i = 0;
	bool		neg = false;
	int64_t		v = 0;
	size_t		start;

	if (len == 0)
		return bad(k, s, len, 0, err, "empty values are not allowed");
	if (s[0] == '-')
	{
		neg = true;
		i++;
	}
	start = i;
	while (i < len && is_digit((unsigned char) s[i]))
	{
		if (v <= INT64_C(2147483648))
			v = v * 10 + (s[i] - '0');
		i++;
	}
	if (i < len)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '.' || c == 'e' || c == 'E')
			return bad(k, s, len, i, err, "a fraction or exponent is not allowed");
		return bad(k, s, len, i, err, "not an integer");
	}
	if (i == start)
		return bad(k, s, len, i, err, "not an integer");
	if (s[start] == '0' && i - start > 1)
		return bad(k, s, len, start, err, "leading zeros are not allowed");
	if (neg)
		v = -v;
	switch (k)
	{
		case FHIR_PRIM_UNSIGNEDINT:
			if (neg)
				return bad(k, s, len, 0, err, "must not be negative");
			if (v > INT32_MAX)
				return bad(k, s, len, 0, err, "out of range (0..2147483647)");
			break;
		case FHIR_PRIM_POSITIVEINT:
			if (neg || v == 0)
				return bad(k, s, len, 0, err, "must be at least 1");
			if (v > INT32_MAX)
				return bad(k, s, len, 0, err, "out of range (1..2147483647)");
			break;
		default:
			if (v > INT32_MAX || v < INT32_MIN)
				return bad(k, s, len, 0, err,
						   "out of range (-2147483648..2147483647)");
			break;
	}
	return true;
}

/* decimal: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, any length */
static bool
check_decimal(const char *s, size_t len, cl_error *err)
{
	const fhir_prim_kind k = FHIR_PRIM_DECIMAL;
	size_t		i = 0;
	size_t		start;

	if (len == 0)
		return bad(k, s, len, 0, err, "empty values are not allowed");
	if (s[i] == '-')
		i++;
	start = i;
	while (i < len && is_digit((unsigned char) s[i]))
		i++;
	if (i == start)
		return bad(k, s, len, i, err, "expected a digit");
	if (s[start] == '0' && i - start > 1)
		return bad(k, s, len, start, err, "leading zeros are not allowed");
	if (i < len && s[i] == '.')
	{
		i++;
		start = i;
		while (i < len && is_digit((unsigned char) s[i]))
			i++;
		if (i == start)
			return bad(k, s, len, i, err, "expected digits after '.'");
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E'))
	{
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		start = i;
		while (i < len && is_digit((unsigned char) s[i]))
			i++;
		if (i == start)
			return bad(k, s, len, i, err, "expected digits in the exponent");
	}
	if (i < len)
		return bad(k, s, len, i, err, "not a decimal number");
	return true;
}

/* ------------------------------------------------------------------------
 * Dates and times
 * ------------------------------------------------------------------------ */

typedef struct cursor
{
	fhir_prim_kind k;
	const char *s;
	size_t		len;
	size_t		pos;
	cl_error   *err;
} cursor;

static inline bool
at_char(const cursor *c, char ch)
{
	return c->pos < c->len && c->s[c->pos] == ch;
}

static bool
cur_bad(cursor *c, size_t at, const char *what)
{
	return bad(c->k, c->s, c->len, at, c->err, what);
}

/* n digits into *v, or an error saying what was expected */
static bool
digits(cursor *c, int n, int *v, const char *what)
{
	int			r = 0;

	*v = 0;
	for (int i = 0; i < n; i++)
	{
		if (c->pos + (size_t) i >= c->len ||
			!is_digit((unsigned char) c->s[c->pos + (size_t) i]))
			return cur_bad(c, c->pos + (size_t) i, what);
		r = r * 10 + (c->s[c->pos + (size_t) i] - '0');
	}
	c->pos += (size_t) n;
	*v = r;
	return true;
}

static bool
expect(cursor *c, char ch, const char *what)
{
	if (!at_char(c, ch))
		return cur_bad(c, c->pos, what);
	c->pos++;
	return true;
}

static int
days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		return 29;
	return days[month - 1];
}

/*
 * parse_date
 *		YYYY, YYYY-MM or YYYY-MM-DD (full: exactly YYYY-MM-DD).  *parts is
 *		the number of parts read (1..3).
 */
static bool
parse_date(cursor *c, bool full, int *parts)
{
	int			year,
				month,
				day;
	size_t		p = c->pos;

	if (!digits(c, 4, &year, "expected a four-digit year"))
		return false;
	if (year == 0)
		return cur_bad(c, p, "year 0000 is not allowed");
	*parts = 1;
	if (!full && !at_char(c, '-'))
		return true;
	if (!expect(c, '-', "expected '-' after the year"))
		return false;
	p = c->pos;
	if (!digits(c, 2, &month, "expected a two-digit month"))
		return false;
	if (month < 1 || month > 12)
		return cur_bad(c, p, "month must be 01 to 12");
	*parts = 2;
	if (!full && !at_char(c, '-'))
		return true;
	if (!expect(c, '-', "expected '-' after the month"))
		return false;
	p = c->pos;
	if (!digits(c, 2, &day, "expected a two-digit day"))
		return false;
	if (day < 1 || day > 31)
		return cur_bad(c, p, "day must be 01 to 31");
	if (day > days_in_month(year, month))
		return cur_bad(c, p, "day does not exist in that month");
	*parts = 3;
	return true;
}

/* hh:mm:ss(.f+)? */
static bool
parse_time(cursor *c)
{
	int			hour,
				minute,
				second;
	size_t		p = c->pos;

	if (!digits(c, 2, &hour, "expected a two-digit hour"))
		return false;
	if (hour > 23)
		return cur_bad(c, p, "hour must be 00 to 23");
	if (!expect(c, ':', "expected ':' after the hour"))
		return false;
	p = c->pos;
	if (!digits(c, 2, &minute, "expected two-digit minutes"))
		return false;
	if (minute > 59)
		return cur_bad(c, p, "minutes must be 00 to 59");
	if (!expect(c, ':', "expected ':' and seconds after the minutes"))
		return false;
	p = c->pos;
	if (!digits(c, 2, &second, "expected two-digit seconds"))
		return false;
	if (second > 60)
		return cur_bad(c, p, "seconds must be 00 to 60");
	if (at_char(c, '.'))
	{
		c->pos++;
		p = c->pos;
		while (c->pos < c->len && is_digit((unsigned char) c->s[c->pos]))
			c->pos++;
		if (c->pos == p)
			return cur_bad(c, p, "expected digits after '.'");
	}
	return true;
}

/* Z | (+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00) */
static bool
parse_zone(cursor *c)
{
	int			hh,
				mm;
	size_t		p;

	if (at_char(c, 'Z'))
	{
		c->pos++;
		return true;
	}
	if (!at_char(c, '+') && !at_char(c, '-'))
		return cur_bad(c, c->pos, "a time zone (Z or +hh:mm or -hh:mm) is required");
	c->pos++;
	p = c->pos;
	if (!digits(c, 2, &hh, "expected a time zone +hh:mm or -hh:mm"))
		return false;
	if (!expect(c, ':', "expected a time zone +hh:mm or -hh:mm"))
		return false;
	if (!digits(c, 2, &mm, "expected a time zone +hh:mm or -hh:mm"))
		return false;
	if (mm > 59 || hh > 14 || (hh == 14 && mm != 0))
		return cur_bad(c, p, "time zone offset must be within 14:00");
	return true;
}

static bool
at_end(cursor *c)
{
	if (c->pos < c->len)
		return cur_bad(c, c->pos, "unexpected text after the value");
	return true;
}

static bool
check_datetime(fhir_prim_kind k, const char *s, size_t len, cl_error *err)
{
	cursor		c = {k, s, len, 0, err};
	int			parts;

	if (len == 0)
		return bad(k, s, len, 0, err, "empty values are not allowed");
	switch (k)
	{
		case FHIR_PRIM_DATE:
			return parse_date(&c, false, &parts) && at_end(&c);
		case FHIR_PRIM_TIME:
			return parse_time(&c) && at_end(&c);
		case FHIR_PRIM_INSTANT:
			return parse_date(&c, true, &parts) &&
				expect(&c, 'T', "expected 'T' and a time after the date") &&
				parse_time(&c) && parse_zone(&c) && at_end(&c);
		default:				/* dateTime */
			if (!parse_date(&c, false, &parts))
				return false;
			if (at_char(&c, 'T'))
			{
				if (parts < 3)
					return cur_bad(&c, c.pos, "a time requires a full date");
				c.pos++;
				return parse_time(&c) && parse_zone(&c) && at_end(&c);
			}
			return at_end(&c);
	}
}

/* ------------------------------------------------------------------------
 * Entry point
 * ------------------------------------------------------------------------ */

bool
fhir_primitive_check(fhir_prim_kind k, const char *s, size_t len, cl_error *err)
{
	if (s == NULL)
		len = 0;
	switch (k)
	{
		case FHIR_PRIM_BOOLEAN:
			return check_boolean(s, len, err);
		case FHIR_PRIM_INTEGER:
		case FHIR_PRIM_UNSIGNEDINT:
		case FHIR_PRIM_POSITIVEINT:
			return check_integer(k, s, len, err);
		case FHIR_PRIM_DECIMAL:
			return check_decimal(s, len, err);
		case FHIR_PRIM_STRING:
		case FHIR_PRIM_MARKDOWN:
			return check_text(k, s, len, FHIR_STRING_MAX_CHARS, false, err);
		case FHIR_PRIM_XHTML:
			return check_text(k, s, len, 0, false, err);
		case FHIR_PRIM_CODE:
			return check_code(s, len, err);
		case FHIR_PRIM_ID:
			return check_id(s, len, err);
		case FHIR_PRIM_URI:
		case FHIR_PRIM_URL:
		case FHIR_PRIM_CANONICAL:
			if (plain_token(s, len))
				return true;
			return check_text(k, s, len, 0, true, err);
		case FHIR_PRIM_OID:
			return check_oid(s, len, err);
		case FHIR_PRIM_UUID:
			return check_uuid(s, len, err);
		case FHIR_PRIM_BASE64BINARY:
			return check_base64(s, len, err);
		case FHIR_PRIM_DATE:
		case FHIR_PRIM_DATETIME:
		case FHIR_PRIM_INSTANT:
		case FHIR_PRIM_TIME:
			return check_datetime(k, s, len, err);
		case FHIR_PRIM_NONE:
			break;
	}
	if (err)
		cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
					 "not a FHIR primitive type (kind %d)", (int) k);
	return false;
}
