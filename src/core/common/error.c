/*
 * error.c
 *		Error values of the core and safe quotation of input fragments.
 */
#include <stdio.h>
#include <string.h>

#include "clinical/common.h"

void
cl_error_clear(cl_error *err)
{
	err->code = CL_OK;
	err->offset = CL_NO_OFFSET;
	err->message[0] = '\0';
	err->where[0] = '\0';
	err->hint[0] = '\0';
}

bool
cl_error_set(cl_error *err, cl_errcode code, size_t offset, const char *fmt,...)
{
	va_list		ap;

	err->code = code;
	err->offset = offset;
	err->where[0] = '\0';
	err->hint[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return false;
}

void
cl_error_where(cl_error *err, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(err->where, sizeof(err->where), fmt, ap);
	va_end(ap);
}

void
cl_error_hint(cl_error *err, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
}

const char *
cl_errcode_name(cl_errcode code)
{
	switch (code)
	{
		case CL_OK:
			return "ok";
		case CL_ERR_SYNTAX:
			return "syntax";
		case CL_ERR_INVALID_PARAM:
			return "invalid parameter";
		case CL_ERR_ENCODING:
			return "encoding";
		case CL_ERR_LIMIT:
			return "limit exceeded";
		case CL_ERR_NOMEM:
			return "out of memory";
		case CL_ERR_INTERNAL:
			return "internal";
	}
	return "unknown";
}

char *
cl_fragment(char *out, size_t outsize, const char *input, size_t len,
			size_t offset, int max_chars)
{
	size_t		o = 0;
	size_t		i = offset;
	int			chars = 0;

	if (outsize == 0)
		return out;
	out[0] = '\0';
	if (input == NULL || offset >= len)
		return out;
	while (i < len && chars < max_chars)
	{
		const unsigned char *p = (const unsigned char *) input + i;
		int			n = cl_utf8_seqlen(p, len - i);

		if (n == 1 && *p >= 0x20 && *p != 0x7f)
		{
			if (o + 1 >= outsize)
				break;
			out[o++] = (char) *p;
		}
		else if (n > 1)
		{
			if (o + (size_t) n >= outsize)
				break;
			memcpy(out + o, p, (size_t) n);
			o += (size_t) n;
		}
		else
		{
			/* control byte or invalid UTF-8: show as \xHH */
			if (o + 4 >= outsize)
				break;
			snprintf(out + o, outsize - o, "\\x%02X", *p);
			o += 4;
			n = 1;
		}
		i += (size_t) n;
		chars++;
	}
	if (i < len && o + 3 < outsize)
	{
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}
