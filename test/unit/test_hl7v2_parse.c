/*
 * test_hl7v2_parse.c
 *		Unit tests of HL7 v2 parsing into images, views, delimiters and
 *		character sets.
 */
#include <stdlib.h>
#include <time.h>

#include "clinical/hl7v2.h"
#include "unit.h"

/* parses s into *img and a view; returns false (with err) on failure */
static bool
parse_view(const char *s, size_t len, void **img, hl7_msg *m, cl_error *err)
{
	size_t		il;

	cl_error_clear(err);
	if (!hl7_parse_image(s, len, &cl_malloc_allocator, 4, img, &il, err))
		return false;
	return hl7_msg_view((char *) *img + 4, il - 4, m, err);
}

static bool
parse_str(const char *s, void **img, hl7_msg *m, cl_error *err)
{
	return parse_view(s, strlen(s), img, m, err);
}

/* the error a parse of s gives */
static cl_error
parse_err(const char *s, size_t len)
{
	void	   *img = NULL;
	size_t		il;
	cl_error	err;

	cl_error_clear(&err);
	if (hl7_parse_image(s, len, &cl_malloc_allocator, 0, &img, &il, &err))
		free(img);
	return err;
}

static void
check_seg(const hl7_msg *m, size_t i, const char *text)
{
	hl7_span	s = hl7_msg_segment_span(m, i);

	CHECK_MEM(s.ptr, s.len, text);
}

TEST(hl7_parse_basic_cr)
{
	void	   *img;
	hl7_msg		m;
	cl_error	err;
	hl7_seginfo si;

	CHECK(parse_str("MSH|^~\\&|APP|FAC\rPID|1||123\r", &img, &m, &err));
	CHECK_INT(m.nsegs, 2);
	CHECK_MEM(m.text, m.text_len, "MSH|^~\\&|APP|FAC\rPID|1||123\r");
	CHECK(m.delims.field == '|');
	CHECK(m.delims.component == '^');
	CHECK(m.delims.repetition == '~');
	CHECK(m.delims.escape == '\\');
	CHECK(m.delims.subcomponent == '&');
	CHECK(m.delims.truncation == '\0');
	hl7_msg_segment(&m, 1, &si);
	CHECK_STR(si.id, "PID");
	CHECK_INT(si.offset, 17);
	CHECK_INT(si.len, 10);
	free(img);
}

TEST(hl7_parse_image_layout)
{
	void	   *img;
	size_t		il;
	cl_error	err;
	const unsigned char *h;

	cl_error_clear(&err);
	CHECK(hl7_parse_image("MSH|^~\\&\nPID|1", 14, &cl_malloc_allocator, 8, &img, &il, &err));
	h = (unsigned char *) img + 8;
	CHECK_INT(il, 8 + 16 + 15 + 2 * 12);
	CHECK_INT(h[0], HL7_IMAGE_VERSION);
	CHECK(h[2] == '|' && h[3] == '^' && h[7] == 0);
	CHECK_INT(hl7_read_u32(h + 8), 2);
	CHECK_INT(hl7_read_u32(h + 12), 15);
	CHECK(memcmp(h + 16, "MSH|^~\\&\rPID|1\r", 15) == 0);
	CHECK_INT(hl7_read_u32(h + 16 + 15 + 12), 9);
	CHECK(memcmp(h + 16 + 15 + 12 + 8, "PID", 3) == 0);
	free(img);
}

TEST(hl7_parse_terminators_normalised)
{
	const char *inputs[] = {
		"MSH|^~\\&|A\rPID|1\rOBX|1",
		"MSH|^~\\&|A\nPID|1\nOBX|1\n",
		"MSH|^~\\&|A\r\nPID|1\r\nOBX|1\r\n",
		"\r\n\nMSH|^~\\&|A\r\rPID|1\n\n\r\nOBX|1\r\n\r\n\n",
		"MSH|^~\\&|A\r\nPID|1\nOBX|1\r",
	};

	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
	{
		void	   *img;
		hl7_msg		m;
		cl_error	err;

		CHECK(parse_str(inputs[i], &img, &m, &err));
		CHECK_MEM(m.text, m.text_len, "MSH|^~\\&|A\rPID|1\rOBX|1\r");
		CHECK_INT(m.nsegs, 3);
		free(img);
	}
}

TEST(hl7_parse_lf_inside_text)
{
	void	   *img;
	hl7_msg		m;
	cl_error	err;

	/* CR message with a multi-line NTE: the LFs are text */
	CHECK(parse_str("MSH|^~\\&|A\rNTE|1||line one\nline two\nand 3\rPID|1\r", &img, &m, &err));
	CHECK_INT(m.nsegs, 3);
	check_seg(&m, 1, "NTE|1||line one\nline two\nand 3");
	free(img);
	/* LF message: a line that does not start a segment continues it */
	CHECK(parse_str("MSH|^~\\&|A\nNTE|1||first\nsecond line\nPID|1\n", &img, &m, &err));
	CHECK_INT(m.nsegs, 3);
	check_seg(&m, 1, "NTE|1||first\nsecond line");
	check_seg(&m, 2, "PID|1");
	free(img);
	/* a blank line after LF ends the segment; "ABC" alone is a segment */
	CHECK(parse_str("MSH|^~\\&|A\nNTE|1||x\n\nZZ1\nZZ2|a\n", &img, &m, &err));
	CHECK_INT(m.nsegs, 4);
	check_seg(&m, 1, "NTE|1||x");
	check_seg(&m, 2, "ZZ1");
	free(img);
	/* lowercase after LF is text */
	CHECK(parse_str("MSH|^~\\&|A\nNTE|1||x\nabc|d\n", &img, &m, &err));
	CHECK_INT(m.nsegs, 2);
	check_seg(&m, 1, "NTE|1||x\nabc|d");
	free(img);
	/* a whitespace-only line is blank (dropped) */
	CHECK(parse_str("MSH|^~\\&|A\nPID|1\n   \n\t\nPV1|1\n  ", &img, &m, &err));
	CHECK_INT(m.nsegs, 3);
	check_seg(&m, 1, "PID|1");
	check_seg(&m, 2, "PV1|1");
	free(img);
}

TEST(hl7_parse_bom_and_zsegments)
{
	void	   *img;
	hl7_msg		m;
	cl_error	err;

	CHECK(parse_str("\xEF\xBB\xBFMSH|^~\\&|A\rZPD|1|x\rZ01\r", &img, &m, &err));
	CHECK_INT(m.nsegs, 3);
	check_seg(&m, 0, "MSH|^~\\&|A");
	check_seg(&m, 1, "ZPD|1|x");
	check_seg(&m, 2, "Z01");
	free(img);
	/* non-ASCII text */
	CHECK(parse_str("MSH|^~\\&|A\rPID|1||M\xC3\xBCller^J\xC3\xB8rgen\r", &img, &m, &err));
	free(img);
}

TEST(hl7_parse_nonstandard_delimiters)
{
	void	   *img;
	hl7_msg		m;
	cl_error	err;

	CHECK(parse_str("MSH!@%\\&!APP\rPID!1\r", &img, &m, &err));
	CHECK(m.delims.field == '!' && m.delims.component == '@' && m.delims.repetition == '%');
	free(img);
	CHECK(parse_str("MSH^~|\\&^APP^FAC\rPID^1^^X|Y\r", &img, &m, &err));
	CHECK(m.delims.field == '^' && m.delims.component == '~' && m.delims.repetition == '|');
	free(img);
	/* v2.7 truncation character */
	CHECK(parse_str("MSH|^~\\&#|APP\r", &img, &m, &err));
	CHECK(m.delims.truncation == '#');
	free(img);
	/* fewer than 4 encoding characters followed by a field separator */
	CHECK(parse_str("MSH|^~|APP\rPID|1\r", &img, &m, &err));
	CHECK(m.delims.component == '^' && m.delims.repetition == '~' && m.delims.escape == '\0' &&
		  m.delims.subcomponent == '\0');
	free(img);
	/* MSH with only its encoding characters */
	CHECK(parse_str("MSH|^~\\&", &img, &m, &err));
	CHECK_INT(m.nsegs, 1);
	free(img);
}

TEST(hl7_parse_errors)
{
	cl_error	e;

	e = parse_err("", 0);
	CHECK_INT(e.code, CL_ERR_SYNTAX);
	CHECK_STR(e.message, "empty HL7 message");
	e = parse_err("\r\n\n", 3);
	CHECK_STR(e.message, "empty HL7 message");
	e = parse_err("\xEF\xBB\xBF", 3);
	CHECK_STR(e.message, "empty HL7 message");

	e = parse_err("PID|1\rMSH|^~\\&\r", 15);
	CHECK_INT(e.code, CL_ERR_SYNTAX);
	CHECK_INT(e.offset, 0);
	CHECK_STR(e.message, "HL7 message does not start with an MSH segment at byte 0: \"PID|1\\x0DMSH|^~\\&\\x0D\"");

	e = parse_err("MSH|^~\\&|A\rPID|1\0x\r", 19);
	CHECK_INT(e.code, CL_ERR_SYNTAX);
	CHECK_INT(e.offset, 16);
	CHECK(strstr(e.message, "NUL byte in HL7 message at byte 16") != NULL);

	e = parse_err("MSH|^~\\&|A\rPID|\xC3\x28\r", 18);
	CHECK_INT(e.code, CL_ERR_ENCODING);
	CHECK_INT(e.offset, 15);
	CHECK(strstr(e.message, "invalid UTF-8 in HL7 message at byte 15") != NULL);

	e = parse_err("MSH|^~", 6);
	CHECK_INT(e.code, CL_ERR_SYNTAX);
	CHECK_INT(e.offset, 0);
	CHECK_STR(e.message, "MSH shorter than its encoding characters in segment 1 (MSH) at byte 0: \"MSH|^~\"");
	CHECK_STR(e.where, "segment 1 (MSH)");
	e = parse_err("MSH|\rPID|1", 10);
	CHECK(strstr(e.message, "MSH shorter than its encoding characters") != NULL);
	e = parse_err("MSH", 3);
	CHECK(strstr(e.message, "MSH shorter than its encoding characters") != NULL);

	e = parse_err("MSH||A", 6);
	CHECK(strstr(e.message, "MSH-2 (encoding characters) is empty in segment 1 (MSH) at byte 4") != NULL);
	e = parse_err("MSH|^~\\&#$|A", 12);
	CHECK(strstr(e.message, "MSH-2 has more than 5 encoding characters") != NULL);
	e = parse_err("MSH|^~\\\\|A", 10);
	CHECK_INT(e.code, CL_ERR_SYNTAX);
	CHECK(strstr(e.message, "HL7 escape character and subcomponent separator are the same character \"\\\"") != NULL);
	/* encoding characters may be letters (MSH-2 is honoured as declared) */
	e = parse_err("MSH|^~a&|A", 10);
	CHECK_INT(e.code, CL_OK);
	e = parse_err("MSH!$r?@!A", 10);
	CHECK_INT(e.code, CL_OK);
	e = parse_err("MSHA^~\\&|A", 10);
	CHECK(strstr(e.message, "invalid HL7 field separator \"A\"") != NULL);
	e = parse_err("MSH|^~\\|", 8);
	CHECK(strstr(e.message, "HL7 field separator and subcomponent separator") == NULL);
	CHECK_INT(e.code, CL_OK);	/* MSH-2 of 3 characters */

	/* a LF before a malformed segment header ends the segment: "M|" is a bad id */
	e = parse_err("MSH|^~\\&\nM|x", 12);
	CHECK_INT(e.code, CL_ERR_SYNTAX);
	CHECK_INT(e.offset, 9);
	CHECK(strstr(e.message, "invalid segment id") != NULL);
	e = parse_err("MSH|^~\\&\nPIDX|x", 15);
	CHECK_INT(e.offset, 9);
	CHECK(strstr(e.message, "invalid segment id") != NULL);

	/* a LF that is text right after MSH-2 */
	e = parse_err("MSH|^~\\&\nm x", 12);
	CHECK_INT(e.code, CL_ERR_SYNTAX);
	CHECK_INT(e.offset, 8);
	CHECK(strstr(e.message, "MSH-2 (encoding characters) is not followed by the field separator in segment 1 (MSH) at byte 8") != NULL);

	e = parse_err("MSH|^~\\&|A\rPID|1\rpid|2\r", 23);
	CHECK_INT(e.code, CL_ERR_SYNTAX);
	CHECK_INT(e.offset, 17);
	CHECK_STR(e.message, "invalid segment id (expected 3 characters A-Z, 0-9 then the field separator) in segment 3 at byte 17: \"pid|2\\x0D\"");
	CHECK_STR(e.where, "segment 3");
	e = parse_err("MSH|^~\\&|A\rPIDX|1\r", 18);
	CHECK_INT(e.offset, 11);
	CHECK(strstr(e.message, "in segment 2 at byte 11") != NULL);
	e = parse_err("MSH|^~\\&|A\rPI\r", 14);
	CHECK(strstr(e.message, "in segment 2 at byte 11") != NULL);
	e = parse_err("MSH|^~\\&|A\r\n\nP^D|1\r", 19);
	CHECK(strstr(e.message, "in segment 2 at byte 13") != NULL);
}

TEST(hl7_parse_error_quotes_at_most_20_chars)
{
	cl_error	e = parse_err("MSH|^~\\&|A\rXX|SECRET PATIENT NAME AND MORE DATA\r", 48);

	CHECK(strstr(e.message, "\"XX|SECRET PATIENT NA...\"") != NULL);
	CHECK(strstr(e.message, "AND MORE") == NULL);
}

TEST(hl7_view_rejects_malformed_images)
{
	void	   *img;
	size_t		il;
	cl_error	err;
	hl7_msg		m;
	unsigned char *h;

	cl_error_clear(&err);
	CHECK(hl7_parse_image("MSH|^~\\&|A\rPID|1\r", 17, &cl_malloc_allocator, 0, &img, &il, &err));
	h = img;
	CHECK(hl7_msg_view(h, il, &m, &err));
	CHECK(hl7_image_verify(h, il, &err));
	CHECK(!hl7_msg_view(h, il - 1, &m, &err));
	CHECK_INT(err.code, CL_ERR_SYNTAX);
	CHECK(!hl7_msg_view(h, 10, &m, &err));
	h[0] = 9;
	CHECK(!hl7_msg_view(h, il, &m, &err));
	h[0] = HL7_IMAGE_VERSION;
	h[3] = '|';					/* component == field */
	CHECK(!hl7_msg_view(h, il, &m, &err));
	h[3] = '^';
	h[16 + 17 + 12 + 4] = 6;	/* PID length */
	CHECK(!hl7_msg_view(h, il, &m, &err));
	h[16 + 17 + 12 + 4] = 5;
	h[16 + 17 + 12 + 8] = 'X';	/* id differs from text */
	CHECK(!hl7_msg_view(h, il, &m, &err));
	h[16 + 17 + 12 + 8] = 'P';
	CHECK(hl7_msg_view(h, il, &m, &err));
	h[16 + 15] = '\0';			/* NUL inside text: view ok, verify not */
	CHECK(hl7_msg_view(h, il, &m, &err));
	CHECK(!hl7_image_verify(h, il, &err));
	h[16 + 15] = '\xff';
	CHECK(!hl7_image_verify(h, il, &err));
	CHECK_INT(err.code, CL_ERR_ENCODING);
	h[16 + 15] = '1';
	CHECK(hl7_image_verify(h, il, &err));
	h[2] = '!';					/* header delimiters differ from MSH */
	CHECK(!hl7_image_verify(h, il, &err));
	free(img);
}

/* an allocator that fails after n allocations */
typedef struct failing
{
	int			left;
} failing;

static void *
f_alloc(void *ctx, size_t n)
{
	failing    *f = ctx;

	if (f->left-- <= 0)
		return NULL;
	return malloc(n);
}

static void *
f_realloc(void *ctx, void *p, size_t o, size_t n)
{
	failing    *f = ctx;

	(void) o;
	if (f->left-- <= 0)
		return NULL;
	return realloc(p, n);
}

static void
f_free(void *ctx, void *p)
{
	(void) ctx;
	free(p);
}

TEST(hl7_parse_nomem)
{
	failing		f = {0};
	cl_allocator a = {f_alloc, f_realloc, f_free, &f};
	void	   *img;
	size_t		il;
	cl_error	err;
	char	   *big;
	size_t		n = 0;

	cl_error_clear(&err);
	CHECK(!hl7_parse_image("MSH|^~\\&\r", 9, &a, 0, &img, &il, &err));
	CHECK_INT(err.code, CL_ERR_NOMEM);
	/* failure while growing the index */
	big = malloc(200000);
	memcpy(big, "MSH|^~\\&\r", 9);
	n = 9;
	while (n + 4 < 200000)
	{
		memcpy(big + n, "ZZZ\r", 4);
		n += 4;
	}
	f.left = 1;
	cl_error_clear(&err);
	CHECK(!hl7_parse_image(big, n, &a, 0, &img, &il, &err));
	CHECK_INT(err.code, CL_ERR_NOMEM);
	f.left = 100;
	CHECK(hl7_parse_image(big, n, &a, 0, &img, &il, &err));
	free(img);
	free(big);
}

TEST(hl7_parse_100000_segments_linear)
{
	size_t		n = 100000;
	cl_buf		b;
	void	   *img;
	hl7_msg		m;
	cl_error	err;
	clock_t		t0;
	hl7_path	p;
	hl7_span	v;

	cl_buf_init(&b, &cl_malloc_allocator, 64);
	cl_buf_append_str(&b, "MSH|^~\\&|A\n");
	for (size_t i = 1; i < n; i++)
		cl_buf_printf(&b, "OBX|%zu|ST|X^Y||v%zu\n", i, i);
	t0 = clock();
	CHECK(parse_view(b.data, b.len, &img, &m, &err));
	CHECK_INT(m.nsegs, n);
	CHECK(hl7_path_parse("OBX(99999)-5", 12, &p, &err));
	v = hl7_get(&m, &p);
	CHECK_MEM(v.ptr, v.len, "v99999");
	CHECK((double) (clock() - t0) / CLOCKS_PER_SEC < 1.0);
	free(img);
	cl_buf_free(&b);
}

TEST(hl7_parse_10mb_message_and_1mb_obx5)
{
	cl_buf		b;
	void	   *img;
	hl7_msg		m;
	cl_error	err;
	clock_t		t0;
	hl7_path	p;
	hl7_span	v;
	cl_buf		u;

	cl_buf_init(&b, &cl_malloc_allocator, 11 << 20);
	cl_buf_append_str(&b, "MSH|^~\\&|A\rOBX|1|ED|^PDF||^application^pdf^Base64^");
	for (int i = 0; i < (1 << 20) / 16; i++)
		cl_buf_append(&b, "QUJDREVGR0hJSktM", 16);
	cl_buf_append_str(&b, "\\.br\\end\r");
	while (b.len < (10u << 20))
		cl_buf_append_str(&b, "NTE|1|L|some comment text\\T\\ with escapes\nand a second line\r");
	CHECK(!b.failed);
	t0 = clock();
	CHECK(parse_view(b.data, b.len, &img, &m, &err));
	CHECK(hl7_path_parse("OBX-5.5", 7, &p, &err));
	v = hl7_get(&m, &p);
	CHECK(v.ptr != NULL && v.len == (1u << 20) + 8);
	cl_buf_init(&u, &cl_malloc_allocator, 16);
	CHECK(hl7_unescape(v.ptr, v.len, &m.delims, &u, &err));
	CHECK_INT(u.len, (1u << 20) + 4);
	CHECK(memcmp(u.data + u.len - 4, "\nend", 4) == 0);
	CHECK((double) (clock() - t0) / CLOCKS_PER_SEC < 1.0);
	cl_buf_free(&u);
	free(img);
	cl_buf_free(&b);
}

TEST(hl7_delims_strings)
{
	hl7_delims	d;
	cl_error	err;
	char		s[8];

	cl_error_clear(&err);
	hl7_delims_default(&d);
	CHECK_INT(hl7_delims_to_string(&d, s), 5);
	CHECK_STR(s, "|^~\\&");
	CHECK(hl7_delims_from_string("|^~\\&#", 6, &d, &err));
	CHECK(d.truncation == '#');
	CHECK_INT(hl7_delims_to_string(&d, s), 6);
	CHECK(!hl7_delims_from_string("|", 1, &d, &err));
	CHECK_INT(err.code, CL_ERR_INVALID_PARAM);
	CHECK(!hl7_delims_from_string("||~\\&", 5, &d, &err));
	CHECK_STR(err.message, "HL7 field separator and component separator are the same character \"|\"");
	CHECK(!hl7_delims_from_string("|^~\\&#!", 7, &d, &err));
	CHECK(!hl7_delims_from_string("|^\r\\&", 5, &d, &err));
	CHECK_STR(err.message, "invalid HL7 repetition separator \\x0D: delimiters may not be CR, LF or non-ASCII");
}

TEST(hl7_charset_peek_and_classify)
{
	const char *cs;
	size_t		n;
	const char *msg = "\xEF\xBB\xBFMSH|^~\\&|A|B|C|D|20200101||ADT^A01|1|P|2.5||||||8859/1~UNICODE UTF-8|x\rPID|1";

	CHECK(hl7_peek_charset(msg, strlen(msg), &cs, &n));
	CHECK_MEM(cs, n, "8859/1");
	CHECK(!hl7_peek_charset("MSH|^~\\&|A\rPID|1|2|3|4|5|6|7|8|9|10|11|12|13|14|15|16|17", 56, &cs, &n));
	CHECK(cs == NULL);
	CHECK(!hl7_peek_charset("PID|1", 5, &cs, &n));
	CHECK(!hl7_peek_charset("MSH", 3, &cs, &n));
	msg = "MSH|^~\\&||||||||||||||||UTF-8";
	CHECK(hl7_peek_charset(msg, strlen(msg), &cs, &n));
	CHECK_MEM(cs, n, "UTF-8");

	CHECK_INT(hl7_charset_classify("ASCII", 5), HL7_CHARSET_ASCII);
	CHECK_INT(hl7_charset_classify("us-ascii", 8), HL7_CHARSET_ASCII);
	CHECK_INT(hl7_charset_classify("UNICODE UTF-8", 13), HL7_CHARSET_UTF8);
	CHECK_INT(hl7_charset_classify("utf8", 4), HL7_CHARSET_UTF8);
	CHECK_INT(hl7_charset_classify("UTF-8", 5), HL7_CHARSET_UTF8);
	CHECK_INT(hl7_charset_classify("8859/1", 6), HL7_CHARSET_LATIN1);
	CHECK_INT(hl7_charset_classify("ISO-8859-1", 10), HL7_CHARSET_LATIN1);
	CHECK_INT(hl7_charset_classify("iso_8859-1", 10), HL7_CHARSET_LATIN1);
	CHECK_INT(hl7_charset_classify("ISO IR100", 9), HL7_CHARSET_LATIN1);
	CHECK_INT(hl7_charset_classify("Windows-1252", 12), HL7_CHARSET_WIN1252);
	CHECK_INT(hl7_charset_classify("cp1252", 6), HL7_CHARSET_WIN1252);
	CHECK_INT(hl7_charset_classify("", 0), HL7_CHARSET_UTF8);
	CHECK_INT(hl7_charset_classify("  ", 2), HL7_CHARSET_UTF8);
	CHECK_INT(hl7_charset_classify("8859/15", 7), HL7_CHARSET_UNKNOWN);
	CHECK_INT(hl7_charset_classify("ISO IR87 AND A VERY LONG NAME THAT DOES NOT FIT", 47), HL7_CHARSET_UNKNOWN);
}

TEST(hl7_value_classify_kinds)
{
	hl7_span	v;

	CHECK_INT(hl7_value_classify(HL7_SPAN_ABSENT), HL7_VALUE_ABSENT);
	v.ptr = "\"\"x";
	v.len = 0;
	CHECK_INT(hl7_value_classify(v), HL7_VALUE_EMPTY);
	v.len = 2;
	CHECK_INT(hl7_value_classify(v), HL7_VALUE_NULL);
	v.len = 3;
	CHECK_INT(hl7_value_classify(v), HL7_VALUE_TEXT);
}
