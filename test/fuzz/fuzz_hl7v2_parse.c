/*
 * fuzz_hl7v2_parse.c
 *		libFuzzer harness: HL7 v2 parsing, image views, JSON round trip,
 *		escapes, batch splitting and charset peeking on arbitrary bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "clinical/hl7v2.h"

static bool
span_nop(void *arg, hl7_span v)
{
	(void) arg;
	(void) v;
	return true;
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *) data;
	void	   *img = NULL;
	size_t		il;
	cl_error	err;
	hl7_msg		m;
	const char *cs;
	size_t		csl;
	hl7_batch_iter it;
	hl7_batch_item item;

	cl_error_clear(&err);
	if (hl7_peek_charset(in, size, &cs, &csl))
		(void) hl7_charset_classify(cs, csl);

	hl7_batch_init(&it, in, size);
	while (hl7_batch_next(&it, &item))
		if (item.offset + item.len > size)
			__builtin_trap();

	if (hl7_parse_image(in, size, &cl_malloc_allocator, 4, &img, &il, &err))
	{
		cl_buf		j,
					back,
					u;
		hl7_path	p;

		if (!hl7_msg_view((char *) img + 4, il - 4, &m, &err) ||
			!hl7_image_verify((char *) img + 4, il - 4, &err))
			__builtin_trap();
		/* JSON round trip is byte-identical */
		cl_buf_init(&j, &cl_malloc_allocator, 64);
		cl_buf_init(&back, &cl_malloc_allocator, 64);
		if (!hl7_to_json(&m, &j, &err) ||
			!hl7_from_json(j.data, j.len, &back, &err) ||
			back.len != m.text_len || memcmp(back.data, m.text, back.len) != 0)
			__builtin_trap();
		cl_buf_free(&j);
		cl_buf_free(&back);
		/* every field unescapes to valid UTF-8 */
		cl_buf_init(&u, &cl_malloc_allocator, 64);
		for (size_t i = 0; i < m.nsegs && i < 64; i++)
		{
			hl7_field_iter fi;
			hl7_span	f;

			hl7_field_iter_init(&fi, &m, i);
			while (hl7_field_iter_next(&fi, &f))
			{
				u.len = 0;
				if (!hl7_unescape(f.ptr, f.len, &m.delims, &u, &err) ||
					cl_utf8_validate(u.data, u.len) != CL_NO_OFFSET)
					__builtin_trap();
			}
		}
		cl_buf_free(&u);
		/* some lookups, an edit and an ACK */
		if (hl7_path_parse("PID-3.1", 7, &p, &err))
		{
			cl_buf		out;

			(void) hl7_get(&m, &p);
			(void) hl7_get_all(&m, &p, span_nop, NULL);
			cl_buf_init(&out, &cl_malloc_allocator, 64);
			if (hl7_set(&m, &p, "x^y", 3, &out, &err))
			{
				void	   *img2;

				if (hl7_parse_image(out.data, out.len, &cl_malloc_allocator, 0,
									&img2, &il, &err))
					free(img2);
			}
			out.len = 0;
			(void) hl7_build_ack(&m, "AA", "t", 1, "1", 1, "20240101", 8, &out, &err);
			cl_buf_free(&out);
		}
		free(img);
	}
	return 0;
}
