/*
 * buf.c
 *		A growable byte buffer on a cl_allocator.
 */
#include <stdio.h>
#include <string.h>

#include "clinical/common.h"

void
cl_buf_init(cl_buf *buf, const cl_allocator *alloc, size_t initial)
{
	buf->alloc = alloc;
	buf->len = 0;
	buf->failed = false;
	buf->cap = initial < 16 ? 16 : initial;
	buf->data = cl_alloc(alloc, buf->cap);
	if (buf->data == NULL)
	{
		buf->cap = 0;
		buf->failed = true;
	}
	else
		buf->data[0] = '\0';
}

bool
cl_buf_reserve(cl_buf *buf, size_t extra)
{
	size_t		need;
	size_t		ncap;
	char	   *nd;

	if (buf->failed)
		return false;
	if (extra > CL_MAX_ALLOC - buf->len - 1)
	{
		buf->failed = true;
		return false;
	}
	need = buf->len + extra + 1;
	if (need <= buf->cap)
		return true;
	ncap = buf->cap ? buf->cap : 16;
	while (ncap < need)
		ncap = (ncap > CL_MAX_ALLOC / 2) ? CL_MAX_ALLOC : ncap * 2;
	nd = cl_realloc(buf->alloc, buf->data, buf->cap, ncap);
	if (nd == NULL)
	{
		buf->failed = true;
		return false;
	}
	buf->data = nd;
	buf->cap = ncap;
	return true;
}

bool
cl_buf_append(cl_buf *buf, const void *data, size_t len)
{
	if (!cl_buf_reserve(buf, len))
		return false;
	if (len)
		memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
	return true;
}

bool
cl_buf_append_char(cl_buf *buf, char c)
{
	if (CL_LIKELY(!buf->failed && buf->len + 2 <= buf->cap))
	{
		buf->data[buf->len++] = c;
		buf->data[buf->len] = '\0';
		return true;
	}
	return cl_buf_append(buf, &c, 1);
}

bool
cl_buf_append_str(cl_buf *buf, const char *s)
{
	return cl_buf_append(buf, s, strlen(s));
}

bool
cl_buf_printf(cl_buf *buf, const char *fmt,...)
{
	va_list		ap;
	int			n;

	if (buf->failed)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !cl_buf_reserve(buf, (size_t) n))
		return false;
	va_start(ap, fmt);
	vsnprintf(buf->data + buf->len, buf->cap - buf->len, fmt, ap);
	va_end(ap);
	buf->len += (size_t) n;
	return true;
}

void
cl_buf_free(cl_buf *buf)
{
	cl_free(buf->alloc, buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
}
