/*
 * delims.c
 *		HL7 v2 delimiter sets, value classification and character sets.
 */
#include <string.h>

#include "hl7v2_internal.h"

/*
 * hl7_delims_default
 *		The usual |^~\& without truncation character.
 */
void
hl7_delims_default(hl7_delims *d)
{
	d->field = '|';
	d->component = '^';
	d->repetition = '~';
	d->escape = '\\';
	d->subcomponent = '&';
	d->truncation = '\0';
}

static const char *const delim_names[6] = {
	"field separator", "component separator", "repetition separator",
	"escape character", "subcomponent separator", "truncation character"
};

/*
 * hl7_delims_check
 *		Declared delimiters must be distinct single ASCII bytes, not
 *		alphanumeric, not CR/LF.
 */
bool
hl7_delims_check(const hl7_delims *d, cl_error *err)
{
	char		c[6];

	c[0] = d->field;
	c[1] = d->component;
	c[2] = d->repetition;
	c[3] = d->escape;
	c[4] = d->subcomponent;
	c[5] = d->truncation;
	if (c[0] == '\0')
		return cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
							"HL7 field separator is missing");
	for (int i = 0; i < 6; i++)
	{
		unsigned char u = (unsigned char) c[i];

		if (u == 0)
			continue;
		/*
		 * The field separator must not be alphanumeric: it is what tells a
		 * segment id from the segment's first field.  The encoding characters
		 * are whatever MSH-2 declares (hl7apy's tests use "$r?@"), apart from
		 * CR, LF and non-ASCII bytes.
		 */
		if ((i == 0 && hl7_is_alnum(u)) || u == '\r' || u == '\n' || u >= 0x80)
		{
			if (u >= 0x20 && u < 0x7f)
				return cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
									"invalid HL7 %s \"%c\": the field separator may not be a letter or digit",
									delim_names[i], (char) u);
			return cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
								"invalid HL7 %s \\x%02X: delimiters may not be CR, LF or non-ASCII",
								delim_names[i], u);
		}
		for (int j = 0; j < i; j++)
			if (c[j] == c[i])
			{
				if (u >= 0x20 && u < 0x7f)
					return cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
										"HL7 %s and %s are the same character \"%c\"",
										delim_names[j], delim_names[i], (char) u);
				return cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
									"HL7 %s and %s are the same character \\x%02X",
									delim_names[j], delim_names[i], u);
			}
	}
	return true;
}

/*
 * hl7_delims_from_string
 *		"|^~\\&" (2 to 6 characters) -> delimiter set.
 */
bool
hl7_delims_from_string(const char *s, size_t len, hl7_delims *d, cl_error *err)
{
	memset(d, 0, sizeof(*d));
	if (len < 2 || len > 6)
		return cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
							"HL7 delimiter string must have 2 to 6 characters, not %zu",
							len);
	d->field = s[0];
	d->component = s[1];
	if (len > 2)
		d->repetition = s[2];
	if (len > 3)
		d->escape = s[3];
	if (len > 4)
		d->subcomponent = s[4];
	if (len > 5)
		d->truncation = s[5];
	if (memchr(s, '\0', len) != NULL)
		return cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
							"HL7 delimiter string contains a NUL byte");
	return hl7_delims_check(d, err);
}

/*
 * hl7_delims_to_string
 *		Field separator then the declared encoding characters, in order.
 */
size_t
hl7_delims_to_string(const hl7_delims *d, char *out)
{
	const char	c[6] = {d->field, d->component, d->repetition, d->escape,
	d->subcomponent, d->truncation};
	size_t		n = 0;

	for (int i = 0; i < 6 && c[i] != '\0'; i++)
		out[n++] = c[i];
	out[n] = '\0';
	return n;
}

/*
 * hl7_value_classify
 *		Absent, empty, the explicit null "" or text.
 */
hl7_value_kind
hl7_value_classify(hl7_span v)
{
	if (v.ptr == NULL)
		return HL7_VALUE_ABSENT;
	if (v.len == 0)
		return HL7_VALUE_EMPTY;
	if (v.len == 2 && v.ptr[0] == '"' && v.ptr[1] == '"')
		return HL7_VALUE_NULL;
	return HL7_VALUE_TEXT;
}

/*
 * hl7_peek_charset
 *		First repetition of MSH-18 of raw bytes (any charset, no conversion).
 */
bool
hl7_peek_charset(const char *in, size_t len, const char **cs, size_t *cslen)
{
	const char *p = in;
	const char *end = in + len;
	const char *segend;
	char		fs,
				rs = '\0';
	int			field;

	*cs = NULL;
	*cslen = 0;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end && (*p == '\r' || *p == '\n' || *p == '\x0b'))
		p++;
	if (end - p < 4 || memcmp(p, "MSH", 3) != 0)
		return false;
	fs = p[3];
	segend = p + 4;
	while (segend < end && *segend != '\r' && *segend != '\n')
		segend++;
	/* MSH-2: repetition separator is its 2nd character */
	p += 4;
	if (p + 1 < segend && p[0] != fs && p[1] != fs)
		rs = p[1];
	/* p is at the start of MSH-2 (field 2) */
	field = 2;
	while (field < 18)
	{
		const char *q = memchr(p, fs, (size_t) (segend - p));

		if (q == NULL)
			return false;
		p = q + 1;
		field++;
	}
	{
		const char *q = memchr(p, fs, (size_t) (segend - p));
		const char *fe = q ? q : segend;

		if (rs != '\0' && rs != fs)
		{
			const char *r = memchr(p, rs, (size_t) (fe - p));

			if (r)
				fe = r;
		}
		*cs = p;
		*cslen = (size_t) (fe - p);
	}
	return true;
}

/*
 * hl7_charset_classify
 *		Maps the spellings of MSH-18 seen in practice to a few charsets.
 */
hl7_charset
hl7_charset_classify(const char *name, size_t len)
{
	char		norm[32];
	size_t		n = 0;
	static const struct
	{
		const char *name;
		hl7_charset cs;
	}			names[] = {
		{"ASCII", HL7_CHARSET_ASCII},
		{"USASCII", HL7_CHARSET_ASCII},
		{"UNICODEUTF8", HL7_CHARSET_UTF8},
		{"UTF8", HL7_CHARSET_UTF8},
		{"88591", HL7_CHARSET_LATIN1},
		{"ISO88591", HL7_CHARSET_LATIN1},
		{"ISOIR100", HL7_CHARSET_LATIN1},
		{"LATIN1", HL7_CHARSET_LATIN1},
		{"WINDOWS1252", HL7_CHARSET_WIN1252},
		{"CP1252", HL7_CHARSET_WIN1252},
		{"WIN1252", HL7_CHARSET_WIN1252},
	};

	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) name[i];

		if (c == ' ' || c == '-' || c == '_' || c == '/' || c == '\t')
			continue;
		if (n + 1 >= sizeof(norm))
			return HL7_CHARSET_UNKNOWN;
		if (c >= 'a' && c <= 'z')
			c = (unsigned char) (c - 'a' + 'A');
		norm[n++] = (char) c;
	}
	norm[n] = '\0';
	if (n == 0)
		return HL7_CHARSET_UTF8;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(norm, names[i].name) == 0)
			return names[i].cs;
	return HL7_CHARSET_UNKNOWN;
}
