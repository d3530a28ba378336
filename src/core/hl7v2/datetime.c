/*
 * datetime.c
 *		HL7 DTM / TS values.
 */
#include <string.h>

#include "hl7v2_internal.h"

static bool
dt_error(cl_error *err, const char *s, size_t len, size_t off, const char *what)
{
	char		frag[4 * CL_ERR_FRAGMENT_CHARS + 8];

	cl_fragment(frag, sizeof(frag), s, len, 0, CL_ERR_FRAGMENT_CHARS);
	cl_error_set(err, CL_ERR_INVALID_PARAM, off,
				 "invalid HL7 date/time \"%s\": %s", frag, what);
	cl_error_hint(err, "HL7 date/times look like YYYY[MM[DD[HHMM[SS[.S[S[S[S]]]]]]]][+/-ZZZZ].");
	return false;
}

static int
digits(const char *p, int n)
{
	int			v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/*
 * hl7_datetime_parse
 */
bool
hl7_datetime_parse(const char *s, size_t len, hl7_datetime *dt, cl_error *err)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	const char *orig = s;
	size_t		olen = len;
	size_t		b = 0,
				e,
				nd = 0,
				i;
	const char *caret = memchr(s, '^', len);
	char		what[96];

	memset(dt, 0, sizeof(*dt));
	dt->month = 1;
	dt->day = 1;
	if (caret)
		len = (size_t) (caret - s);
	e = len;
	while (b < e && s[b] == ' ')
		b++;
	while (e > b && s[e - 1] == ' ')
		e--;
	if (b == e)
		return dt_error(err, orig, olen, CL_NO_OFFSET, "empty value");
	i = b;
	while (i < e && s[i] >= '0' && s[i] <= '9')
		i++;
	nd = i - b;
	if (nd != 4 && nd != 6 && nd != 8 && nd != 10 && nd != 12 && nd != 14)
		return dt_error(err, orig, olen, b,
						"expected 4, 6, 8, 10, 12 or 14 digits");
	dt->digits = (int) nd;
	dt->year = digits(s + b, 4);
	if (nd >= 6)
		dt->month = digits(s + b + 4, 2);
	if (nd >= 8)
		dt->day = digits(s + b + 6, 2);
	if (nd >= 10)
		dt->hour = digits(s + b + 8, 2);
	if (nd >= 12)
		dt->minute = digits(s + b + 10, 2);
	if (nd >= 14)
		dt->second = digits(s + b + 12, 2);
	if (dt->month < 1 || dt->month > 12)
	{
		snprintf(what, sizeof(what), "month %d is out of range 1-12", dt->month);
		return dt_error(err, orig, olen, b + 4, what);
	}
	{
		int			md = mdays[dt->month - 1];

		if (dt->month == 2 && is_leap(dt->year))
			md = 29;
		if (dt->day < 1 || dt->day > md)
		{
			snprintf(what, sizeof(what), "day %d is out of range for month %d of year %d",
					 dt->day, dt->month, dt->year);
			return dt_error(err, orig, olen, b + 6, what);
		}
	}
	if (dt->hour > 23)
	{
		snprintf(what, sizeof(what), "hour %d is out of range 0-23", dt->hour);
		return dt_error(err, orig, olen, b + 8, what);
	}
	if (dt->minute > 59)
	{
		snprintf(what, sizeof(what), "minute %d is out of range 0-59", dt->minute);
		return dt_error(err, orig, olen, b + 10, what);
	}
	if (dt->second > 59)
	{
		snprintf(what, sizeof(what), "second %d is out of range 0-59", dt->second);
		return dt_error(err, orig, olen, b + 12, what);
	}
	if (i < e && s[i] == '.')
	{
		size_t		f = ++i;
		int			us;

		if (nd != 14)
			return dt_error(err, orig, olen, f - 1,
							"fractional seconds need all 14 digits YYYYMMDDHHMMSS");
		while (i < e && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i - f < 1 || i - f > 4)
			return dt_error(err, orig, olen, f,
							"expected 1 to 4 digits of fractional seconds");
		dt->frac_digits = (int) (i - f);
		us = digits(s + f, dt->frac_digits);
		for (int k = dt->frac_digits; k < 6; k++)
			us *= 10;
		dt->microsecond = us;
	}
	if (i < e && (s[i] == '+' || s[i] == '-'))
	{
		int			sign = s[i] == '-' ? -1 : 1;
		size_t		z = ++i;
		int			hh,
					mm;

		while (i < e && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i - z != 4)
			return dt_error(err, orig, olen, z,
							"expected 4 digits of time zone offset");
		hh = digits(s + z, 2);
		mm = digits(s + z + 2, 2);
		if (mm > 59 || hh * 60 + mm > 14 * 60)
			return dt_error(err, orig, olen, z,
							"time zone offset is out of range -1400 to +1400");
		dt->has_offset = true;
		dt->offset_minutes = sign * (hh * 60 + mm);
	}
	if (i != e)
		return dt_error(err, orig, olen, i, "unexpected character");
	return true;
}
