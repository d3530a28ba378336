/*
 * fuzz_hl7v2_path.c
 *		libFuzzer harness: HL7 paths (first line of the input) applied to a
 *		message (the rest of the input if it parses, else a fixed one) with
 *		get, get_all and set; also date/times and escape round trips.
 */
#include <stdlib.h>
#include <string.h>

#include "clinical/hl7v2.h"

static const char fixed[] =
"MSH|^~\\&|APP|FAC|R|RF|20240101||ADT^A01|C1|P|2.5\r"
"PID|1||111^^^MRN~222^^^SSN&X&Y||DOE^JOHN~SMITH^J\r"
"OBX|1|ST|C^D||v1~v2\rOBX|2|ST|E||\"\"\r";

static bool
span_check(void *arg, hl7_span v)
{
	hl7_msg    *m = arg;

	if (v.ptr && (v.ptr < m->text || v.ptr + v.len > m->text + m->text_len))
		__builtin_trap();
	return true;
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *) data;
	const char *nl = memchr(in, '\n', size);
	size_t		plen = nl ? (size_t) (nl - in) : size;
	void	   *img = NULL;
	size_t		il;
	cl_error	err;
	hl7_msg		m;
	hl7_path	p;
	hl7_datetime dt;
	hl7_delims	d;

	cl_error_clear(&err);
	(void) hl7_datetime_parse(in, plen, &dt, &err);

	/* escape then unescape gives the text back (CR/LF become LF) */
	hl7_delims_default(&d);
	if (memchr(in, '\r', plen) == NULL && memchr(in, '\0', plen) == NULL &&
		cl_utf8_validate(in, plen) == CL_NO_OFFSET)
	{
		cl_buf		e,
					u;

		cl_buf_init(&e, &cl_malloc_allocator, 64);
		cl_buf_init(&u, &cl_malloc_allocator, 64);
		if (!hl7_escape(in, plen, &d, &e, &err) ||
			!hl7_unescape(e.data, e.len, &d, &u, &err) ||
			u.len != plen || memcmp(u.data, in, plen) != 0)
			__builtin_trap();
		cl_buf_free(&e);
		cl_buf_free(&u);
	}

	if (!hl7_path_parse(in, plen, &p, &err))
		return 0;
	if (!(nl && hl7_parse_image(nl + 1, size - plen - 1, &cl_malloc_allocator, 0,
								&img, &il, &err)))
	{
		if (!hl7_parse_image(fixed, sizeof(fixed) - 1, &cl_malloc_allocator, 0,
							 &img, &il, &err))
			__builtin_trap();
	}
	if (!hl7_msg_view(img, il, &m, &err))
		__builtin_trap();
	span_check(&m, hl7_get(&m, &p));
	(void) hl7_get_all(&m, &p, span_check, &m);
	{
		cl_buf		out;

		cl_buf_init(&out, &cl_malloc_allocator, 64);
		if (hl7_set(&m, &p, "a|b\nc", 5, &out, &err))
		{
			void	   *img2;
			hl7_msg		m2;
			hl7_span	v;
			cl_buf		e;

			/* the edited message parses and holds the value */
			if (!hl7_parse_image(out.data, out.len, &cl_malloc_allocator, 0,
								 &img2, &il, &err) ||
				!hl7_msg_view(img2, il, &m2, &err))
				__builtin_trap();
			cl_buf_init(&e, &cl_malloc_allocator, 16);
			if (!hl7_escape("a|b\nc", 5, &m.delims, &e, &err))
				__builtin_trap();
			v = hl7_get(&m2, &p);
			if (v.ptr == NULL || v.len != e.len || memcmp(v.ptr, e.data, e.len) != 0)
				__builtin_trap();
			cl_buf_free(&e);
			free(img2);
		}
		cl_buf_free(&out);
	}
	free(img);
	return 0;
}
