/*
 * test_hl7v2_escape.c
 *		Unit tests of HL7 escape decoding and encoding.
 */
#include <stdlib.h>

#include "clinical/hl7v2.h"
#include "unit.h"

static char out_text[4096];

static const char *
unesc_d(const char *s, const hl7_delims *d)
{
	cl_buf		b;
	cl_error	err;

	cl_error_clear(&err);
	cl_buf_init(&b, &cl_malloc_allocator, 16);
	if (!hl7_unescape(s, strlen(s), d, &b, &err))
		snprintf(out_text, sizeof(out_text), "(error)");
	else
		snprintf(out_text, sizeof(out_text), "%s", b.data);
	cl_buf_free(&b);
	return out_text;
}

static const char *
unesc(const char *s)
{
	hl7_delims	d;

	hl7_delims_default(&d);
	return unesc_d(s, &d);
}

static const char *
esc_d(const char *s, const hl7_delims *d)
{
	cl_buf		b;
	cl_error	err;

	cl_error_clear(&err);
	cl_buf_init(&b, &cl_malloc_allocator, 16);
	if (!hl7_escape(s, strlen(s), d, &b, &err))
		snprintf(out_text, sizeof(out_text), "(error: %s)", err.message);
	else
		snprintf(out_text, sizeof(out_text), "%s", b.data);
	cl_buf_free(&b);
	return out_text;
}

static const char *
esc(const char *s)
{
	hl7_delims	d;

	hl7_delims_default(&d);
	return esc_d(s, &d);
}

TEST(hl7_unescape_delimiters)
{
	hl7_delims	d;

	CHECK_STR(unesc("plain text"), "plain text");
	CHECK_STR(unesc(""), "");
	CHECK_STR(unesc("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f"), "a|b^c&d~e\\f");
	/* \P\ only with a declared truncation character */
	CHECK_STR(unesc("x\\P\\y"), "x\\P\\y");
	hl7_delims_from_string("|^~\\&#", 6, &d, &(cl_error) {0});
	CHECK_STR(unesc_d("x\\P\\y", &d), "x#y");
	/* the message's own delimiters */
	hl7_delims_from_string("!@%$*", 5, &d, &(cl_error) {0});
	CHECK_STR(unesc_d("a$F$b$S$c$T$d$R$e$E$", &d), "a!b@c*d%e$");
	CHECK_STR(unesc_d("a\\F\\b", &d), "a\\F\\b");
}

TEST(hl7_unescape_formatting)
{
	CHECK_STR(unesc("line1\\.br\\line2"), "line1\nline2");
	CHECK_STR(unesc("a\\.sp\\b"), "a\nb");
	CHECK_STR(unesc("a\\.sp 3\\b"), "a\n\n\nb");
	CHECK_STR(unesc("a\\.sp3\\b"), "a\n\n\nb");
	{
		const char *r = unesc("a\\.sp 99999\\b");

		CHECK_INT(strlen(r), 102);
	}
	CHECK_STR(unesc("a\\.spx\\b"), "a\\.spx\\b");
	CHECK_STR(unesc("\\H\\bold\\N\\"), "\\H\\bold\\N\\");
	CHECK_STR(unesc("\\.fi\\\\.nf\\\\.in 4\\\\.ti -2\\\\.sk 3\\\\.ce\\"),
			  "\\.fi\\\\.nf\\\\.in 4\\\\.ti -2\\\\.sk 3\\\\.ce\\");
	CHECK_STR(unesc("\\C2842\\x\\M2442\\\\Zlocal\\"), "\\C2842\\x\\M2442\\\\Zlocal\\");
	CHECK_STR(unesc("\\Q\\"), "\\Q\\");
	CHECK_STR(unesc("\\\\"), "\\\\");
}

TEST(hl7_unescape_hex)
{
	CHECK_STR(unesc("\\X41\\"), "A");
	CHECK_STR(unesc("a\\X0D0A\\b"), "a\r\nb");
	CHECK_STR(unesc("\\XC3A9\\"), "\xC3\xA9");	/* valid UTF-8 kept */
	CHECK_STR(unesc("\\XE9\\"), "\xC3\xA9");	/* Latin-1 converted */
	CHECK_STR(unesc("\\XE9C3A9FF41\\"), "\xC3\xA9\xC3\xA9\xC3\xBF" "A");
	CHECK_STR(unesc("\\Xe9\\"), "\xC3\xA9");
	CHECK_STR(unesc("\\X4\\"), "\\X4\\");	/* odd count: verbatim */
	CHECK_STR(unesc("\\X\\"), "\\X\\");
	CHECK_STR(unesc("\\XZZ\\"), "\\XZZ\\");
	CHECK_STR(unesc("\\X4100\\"), "\\X4100\\");	/* NUL byte: verbatim */
	{
		/* a long hex escape with UTF-8 sequences across window limits */
		char		in[1024];
		const char *r;
		size_t		n = 0;

		in[n++] = '\\';
		in[n++] = 'X';
		for (int i = 0; i < 100; i++)
		{
			memcpy(in + n, "41E282AC", 8);	/* A + euro sign */
			n += 8;
		}
		in[n++] = '\\';
		in[n] = '\0';
		r = unesc(in);
		CHECK_INT(strlen(r), 400);
		CHECK(memcmp(r, "A\xE2\x82\xAC" "A\xE2\x82\xAC", 8) == 0);
		CHECK(cl_utf8_validate(r, strlen(r)) == CL_NO_OFFSET);
	}
}

TEST(hl7_unescape_unterminated_is_literal)
{
	CHECK_STR(unesc("a\\F"), "a\\F");
	CHECK_STR(unesc("\\"), "\\");
	CHECK_STR(unesc("x\\F\\y\\"), "x|y\\");
	CHECK_STR(unesc("C:\\temp"), "C:\\temp");
}

TEST(hl7_escape_encode)
{
	hl7_delims	d;
	cl_error	err;

	CHECK_STR(esc("plain"), "plain");
	CHECK_STR(esc("a|b^c&d~e\\f"), "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f");
	CHECK_STR(esc("l1\rl2\nl3\r\nl4\n\rl5"), "l1\\.br\\l2\\.br\\l3\\.br\\l4\\.br\\\\.br\\l5");
	CHECK_STR(esc("a#b"), "a#b");
	hl7_delims_from_string("|^~\\&#", 6, &d, &err);
	CHECK_STR(esc_d("a#b", &d), "a\\P\\b");
	hl7_delims_from_string("!@%$*", 5, &d, &err);
	CHECK_STR(esc_d("a!b|c$", &d), "a$F$b|c$E$");
	/* '.' as a delimiter: newlines as hex */
	hl7_delims_from_string("|^.\\", 4, &d, &err);
	CHECK_STR(esc_d("a\nb", &d), "a\\X0A\\b");
	CHECK_STR(unesc_d("a\\X0A\\b", &d), "a\nb");
	/* no escape character declared */
	hl7_delims_from_string("|^~", 3, &d, &err);
	CHECK_STR(esc_d("abc", &d), "abc");
	CHECK_STR(esc_d("a|b", &d), "(error: cannot escape this value: the message declares no escape character)");
	/* round trip */
	{
		const char *s = "x|y^z&w~v\\u\r\nend \xC3\xA9";
		char		enc[128];

		hl7_delims_default(&d);
		snprintf(enc, sizeof(enc), "%s", esc(s));
		CHECK_STR(unesc(enc), "x|y^z&w~v\\u\nend \xC3\xA9");
	}
}

TEST(hl7_escape_refuses_sequences_that_collide_with_letter_delimiters)
{
	hl7_delims	d;
	cl_buf		out;
	cl_error	err;

	/* MSH~^bP~ : repetition 'b', escape 'P' */
	cl_error_clear(&err);
	CHECK(hl7_delims_from_string("~^bP", 4, &d, &err));
	cl_buf_init(&out, &cl_malloc_allocator, 16);
	/* 'b' escapes as PRP: fine; a newline cannot be \.br\ and becomes \X0A\ */
	CHECK(hl7_escape("ab\nc", 4, &d, &out, &err));
	CHECK_STR(out.data, "aPRPPX0APc");
	cl_buf_free(&out);
	/* component separator 'S' would escape as \S\ containing itself */
	CHECK(hl7_delims_from_string("|S~\\&", 5, &d, &err));
	cl_buf_init(&out, &cl_malloc_allocator, 16);
	CHECK(!hl7_escape("xSy", 3, &d, &out, &err));
	CHECK_INT(err.code, CL_ERR_INVALID_PARAM);
	CHECK_INT(err.offset, 1);
	cl_buf_free(&out);
}
