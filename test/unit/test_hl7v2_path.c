/*
 * test_hl7v2_path.c
 *		Unit tests of HL7 paths, lookups and field iteration.
 */
#include <stdlib.h>

#include "clinical/hl7v2.h"
#include "unit.h"

static const char *ADT =
"MSH|^~\\&|SENDAPP|SENDFAC|RCVAPP|RCVFAC|20240102030405||ADT^A01^ADT_A01|CTRL123|P|2.5.1\r"
"EVN|A01|20240102030405\r"
"PID|1||111^^^MRN~222^^^SSN&X&Y||DOE^JOHN^Q~SMITH^J||19800101|M|||\"\"|\r"
"NTE|1||first note\r"
"NTE|2||second\\T\\note\r"
"ZPD|a|b\r";

static void *
view(const char *s, hl7_msg *m)
{
	void	   *img;
	size_t		il;
	cl_error	err;

	cl_error_clear(&err);
	if (!hl7_parse_image(s, strlen(s), &cl_malloc_allocator, 0, &img, &il, &err))
		return NULL;
	if (!hl7_msg_view(img, il, m, &err))
	{
		free(img);
		return NULL;
	}
	return img;
}

static bool
path(const char *s, hl7_path *p)
{
	cl_error	err;

	cl_error_clear(&err);
	return hl7_path_parse(s, strlen(s), p, &err);
}

static cl_error
path_err(const char *s)
{
	cl_error	err;
	hl7_path	p;

	cl_error_clear(&err);
	hl7_path_parse(s, strlen(s), &p, &err);
	return err;
}

/* hl7_get as "(absent)" or the raw text */
static const char *
get(const hl7_msg *m, const char *ps, char *buf, size_t bufsize)
{
	hl7_path	p;
	hl7_span	v;

	if (!path(ps, &p))
		return "(bad path)";
	v = hl7_get(m, &p);
	if (v.ptr == NULL)
		return "(absent)";
	snprintf(buf, bufsize, "%.*s", (int) v.len, v.ptr);
	return buf;
}

#define CHECK_GET(m, ps, expect) \
	do { char b_[256]; CHECK_STR(get(m, ps, b_, sizeof(b_)), expect); } while (0)

TEST(hl7_path_parse_forms)
{
	hl7_path	p;
	cl_buf		b;

	CHECK(path("PID", &p));
	CHECK_STR(p.seg, "PID");
	CHECK(p.occurrence == 0 && p.field == 0);
	CHECK(path("PID-5.1", &p));
	CHECK(p.field == 5 && p.component == 1 && p.repetition == 0 && p.subcomponent == 0);
	CHECK(path("PID-3(2).4.2", &p));
	CHECK(p.field == 3 && p.repetition == 2 && p.component == 4 && p.subcomponent == 2);
	CHECK(path("OBX(3)-5", &p));
	CHECK(p.occurrence == 3 && p.field == 5);
	CHECK(path("PID-5-1", &p));
	CHECK(p.field == 5 && p.component == 1);
	CHECK(path("PID-5-1-2", &p));
	CHECK(p.subcomponent == 2);
	CHECK(path("PID-3(2)-1", &p));
	CHECK(p.repetition == 2 && p.component == 1);
	CHECK(path("  ZP1(12)-100(3).2.7  ", &p));
	CHECK_STR(p.seg, "ZP1");
	CHECK(p.occurrence == 12 && p.field == 100 && p.repetition == 3);
	cl_buf_init(&b, &cl_malloc_allocator, 16);
	CHECK(hl7_path_format(&p, &b));
	CHECK_STR(b.data, "ZP1(12)-100(3).2.7");
	cl_buf_free(&b);
	CHECK(path("MSH-1", &p));
	CHECK(path("PID-100000", &p));
}

TEST(hl7_path_errors)
{
	cl_error	e;

	e = path_err("PID-5.x");
	CHECK_INT(e.code, CL_ERR_INVALID_PARAM);
	CHECK_INT(e.offset, 6);
	CHECK_STR(e.message, "invalid character \"x\" at position 7 in HL7 path, expected component number");
	CHECK(strstr(e.hint, "SEG[(n)][-FIELD[(r)][.COMPONENT[.SUBCOMPONENT]]]") != NULL);
	e = path_err("pid-5");
	CHECK_STR(e.message, "invalid character \"p\" at position 1 in HL7 path, expected a segment id of 3 characters A-Z, 0-9");
	e = path_err("PID(0)-5");
	CHECK_STR(e.message, "segment occurrence 0 at position 5 in HL7 path: indexes are 1-based");
	CHECK_INT(e.offset, 4);
	e = path_err("PID-0");
	CHECK_STR(e.message, "field number 0 at position 5 in HL7 path: indexes are 1-based");
	e = path_err("PID-3(0)");
	CHECK(strstr(e.message, "repetition 0 at position 7") != NULL);
	e = path_err("PID-5.0");
	CHECK(strstr(e.message, "component number 0 at position 7") != NULL);
	e = path_err("PID-5.1.0");
	CHECK(strstr(e.message, "subcomponent number 0 at position 9") != NULL);
	e = path_err("");
	CHECK_STR(e.message, "HL7 path is empty");
	e = path_err("   ");
	CHECK_STR(e.message, "HL7 path is empty");
	e = path_err("PID-");
	CHECK_STR(e.message, "HL7 path ends unexpectedly at position 5, expected field number");
	e = path_err("PI");
	CHECK(strstr(e.message, "ends unexpectedly at position 3") != NULL);
	e = path_err("PIDX");
	CHECK_STR(e.message, "invalid character \"X\" at position 4 in HL7 path, expected \"-\" or \"(\"");
	e = path_err("PID(2");
	CHECK(strstr(e.message, "ends unexpectedly at position 6, expected \")\"") != NULL);
	e = path_err("PID-5.1.2.3");
	CHECK_STR(e.message, "invalid character \".\" at position 10 in HL7 path, expected the end of the path");
	e = path_err("PID-5 .1");
	CHECK(strstr(e.message, "invalid character \" \" at position 6") != NULL);
	e = path_err("PID-100001");
	CHECK(strstr(e.message, "field number at position 5 in HL7 path is too large") != NULL);
	e = path_err("PID-\xC3\xA9");
	CHECK(strstr(e.message, "invalid character \"\xC3\xA9\" at position 5") != NULL);
	e = path_err("PID-\x01");
	CHECK(strstr(e.message, "invalid character \"\\x01\" at position 5") != NULL);
}

TEST(hl7_get_msh_counting)
{
	hl7_msg		m;
	void	   *img = view(ADT, &m);

	CHECK(img != NULL);
	CHECK_GET(&m, "MSH-1", "|");
	CHECK_GET(&m, "MSH-2", "^~\\&");
	CHECK_GET(&m, "MSH-3", "SENDAPP");
	CHECK_GET(&m, "MSH-4", "SENDFAC");
	CHECK_GET(&m, "MSH-9", "ADT^A01^ADT_A01");
	CHECK_GET(&m, "MSH-9.2", "A01");
	CHECK_GET(&m, "MSH-9-3", "ADT_A01");
	CHECK_GET(&m, "MSH-10", "CTRL123");
	CHECK_GET(&m, "MSH-12", "2.5.1");
	CHECK_GET(&m, "MSH-13", "(absent)");
	/* MSH-1 and MSH-2 are atomic */
	CHECK_GET(&m, "MSH-2.1", "^~\\&");
	CHECK_GET(&m, "MSH-2.2", "(absent)");
	CHECK_GET(&m, "MSH-2(2)", "(absent)");
	CHECK_GET(&m, "MSH-1.1.1", "|");
	CHECK_GET(&m, "EVN-1", "A01");
	{
		hl7_span	f = hl7_msh_field(&m, 10);

		CHECK_MEM(f.ptr, f.len, "CTRL123");
	}
	free(img);
}

TEST(hl7_get_components_repetitions)
{
	hl7_msg		m;
	void	   *img = view(ADT, &m);

	CHECK_GET(&m, "PID-3", "111^^^MRN");
	CHECK_GET(&m, "PID-3(2)", "222^^^SSN&X&Y");
	CHECK_GET(&m, "PID-3(3)", "(absent)");
	CHECK_GET(&m, "PID-3(2).4", "SSN&X&Y");
	CHECK_GET(&m, "PID-3(2).4.1", "SSN");
	CHECK_GET(&m, "PID-3(2).4.3", "Y");
	CHECK_GET(&m, "PID-3(2).4.4", "(absent)");
	CHECK_GET(&m, "PID-3.2", "");
	CHECK_GET(&m, "PID-3.5", "(absent)");
	CHECK_GET(&m, "PID-5.1", "DOE");
	CHECK_GET(&m, "PID-5-2", "JOHN");
	CHECK_GET(&m, "PID-5(2).1", "SMITH");
	CHECK_GET(&m, "PID-2", "");
	CHECK_GET(&m, "PID-11", "\"\"");
	CHECK_GET(&m, "PID-12", "");
	CHECK_GET(&m, "PID-13", "(absent)");
	CHECK_GET(&m, "PID", "PID|1||111^^^MRN~222^^^SSN&X&Y||DOE^JOHN^Q~SMITH^J||19800101|M|||\"\"|");
	CHECK_GET(&m, "NTE-3", "first note");
	CHECK_GET(&m, "NTE(2)-3", "second\\T\\note");
	CHECK_GET(&m, "NTE(3)-3", "(absent)");
	CHECK_GET(&m, "OBX-1", "(absent)");
	CHECK_GET(&m, "ZPD-2", "b");
	CHECK_GET(&m, "ZPD(1)", "ZPD|a|b");
	free(img);
}

TEST(hl7_get_value_kinds_for_sql)
{
	hl7_msg		m;
	void	   *img = view(ADT, &m);
	hl7_path	p;

	path("PID-11", &p);
	CHECK_INT(hl7_value_classify(hl7_get(&m, &p)), HL7_VALUE_NULL);
	path("PID-2", &p);
	CHECK_INT(hl7_value_classify(hl7_get(&m, &p)), HL7_VALUE_EMPTY);
	path("PID-40", &p);
	CHECK_INT(hl7_value_classify(hl7_get(&m, &p)), HL7_VALUE_ABSENT);
	path("PID-1", &p);
	CHECK_INT(hl7_value_classify(hl7_get(&m, &p)), HL7_VALUE_TEXT);
	free(img);
}

typedef struct collect
{
	char		buf[512];
	int			n;
	int			stop_after;
} collect;

static bool
collect_fn(void *arg, hl7_span v)
{
	collect    *c = arg;
	size_t		l = strlen(c->buf);

	if (c->n > 0)
		snprintf(c->buf + l, sizeof(c->buf) - l, ",");
	l = strlen(c->buf);
	if (v.ptr == NULL)
		snprintf(c->buf + l, sizeof(c->buf) - l, "<absent>");
	else
		snprintf(c->buf + l, sizeof(c->buf) - l, "%.*s", (int) v.len, v.ptr);
	c->n++;
	return c->stop_after == 0 || c->n < c->stop_after;
}

static const char *
get_all(const hl7_msg *m, const char *ps, collect *c)
{
	hl7_path	p;

	memset(c, 0, sizeof(*c));
	if (!path(ps, &p))
		return "(bad path)";
	hl7_get_all(m, &p, collect_fn, c);
	return c->buf;
}

TEST(hl7_get_all_wildcards)
{
	hl7_msg		m;
	collect		c;
	void	   *img = view("MSH|^~\\&|A\rOBX|1|ST|C1||v1~v1b\rNTE|x\rOBX|2|ST|C2\rOBX|3|ST|C3^n||v3^u\r", &m);
	hl7_path	p;

	CHECK_STR(get_all(&m, "OBX-5", &c), "v1,v1b,<absent>,v3^u");
	CHECK_STR(get_all(&m, "OBX-5.1", &c), "v1,v1b,<absent>,v3");
	CHECK_STR(get_all(&m, "OBX-5.2", &c), "<absent>,<absent>,<absent>,u");
	CHECK_STR(get_all(&m, "OBX-5(2)", &c), "v1b,<absent>,<absent>");
	CHECK_STR(get_all(&m, "OBX(1)-5", &c), "v1,v1b");
	CHECK_STR(get_all(&m, "OBX(3)-5(1)", &c), "v3^u");
	CHECK_STR(get_all(&m, "OBX(4)-5", &c), "");
	CHECK_STR(get_all(&m, "OBX-1", &c), "1,2,3");
	CHECK_STR(get_all(&m, "OBX", &c), "OBX|1|ST|C1||v1~v1b,OBX|2|ST|C2,OBX|3|ST|C3^n||v3^u");
	CHECK_STR(get_all(&m, "PID-1", &c), "");
	CHECK_STR(get_all(&m, "MSH-2", &c), "^~\\&");
	CHECK_STR(get_all(&m, "MSH-1", &c), "|");
	/* stop early */
	memset(&c, 0, sizeof(c));
	c.stop_after = 2;
	path("OBX-1", &p);
	CHECK(!hl7_get_all(&m, &p, collect_fn, &c));
	CHECK_STR(c.buf, "1,2");
	free(img);
}

TEST(hl7_get_nonstandard_delimiters)
{
	hl7_msg		m;
	void	   *img = view("MSH^~|\\&^APP^FAC\rPID^1^^A~B|C~D^X\r", &m);

	CHECK(img != NULL);
	CHECK_GET(&m, "MSH-1", "^");
	CHECK_GET(&m, "MSH-2", "~|\\&");
	CHECK_GET(&m, "MSH-3", "APP");
	CHECK_GET(&m, "PID-3", "A~B");
	CHECK_GET(&m, "PID-3.2", "B");
	CHECK_GET(&m, "PID-3(2).1", "C");
	CHECK_GET(&m, "PID-4", "X");
	free(img);
	img = view("MSH!@%\\&!APP\rPID!1!!A@B%C\r", &m);
	CHECK_GET(&m, "PID-3.2", "B");
	CHECK_GET(&m, "PID-3(2)", "C");
	free(img);
	/* only component separator declared */
	img = view("MSH|^|APP\rPID|1|a~b^c&d\r", &m);
	CHECK_GET(&m, "PID-2", "a~b^c&d");
	CHECK_GET(&m, "PID-2(2)", "(absent)");
	CHECK_GET(&m, "PID-2.2", "c&d");
	CHECK_GET(&m, "PID-2.2.1", "c&d");
	free(img);
}

TEST(hl7_field_iteration)
{
	hl7_msg		m;
	void	   *img = view("MSH|^~\\&|A||C\rPID|1||3\rZZZ\rZZ1|\r", &m);
	hl7_field_iter it;
	hl7_span	f;
	char		buf[128] = "";

	hl7_field_iter_init(&it, &m, 0);
	while (hl7_field_iter_next(&it, &f))
	{
		size_t		l = strlen(buf);

		snprintf(buf + l, sizeof(buf) - l, "[%d:%.*s]", it.n, (int) f.len, f.ptr);
	}
	CHECK_STR(buf, "[1:|][2:^~\\&][3:A][4:][5:C]");
	buf[0] = '\0';
	hl7_field_iter_init(&it, &m, 1);
	while (hl7_field_iter_next(&it, &f))
	{
		size_t		l = strlen(buf);

		snprintf(buf + l, sizeof(buf) - l, "[%d:%.*s]", it.n, (int) f.len, f.ptr);
	}
	CHECK_STR(buf, "[1:1][2:][3:3]");
	hl7_field_iter_init(&it, &m, 2);
	CHECK(!hl7_field_iter_next(&it, &f));
	hl7_field_iter_init(&it, &m, 3);
	CHECK(hl7_field_iter_next(&it, &f));
	CHECK_INT(f.len, 0);
	CHECK(!hl7_field_iter_next(&it, &f));
	{
		hl7_span	seg = hl7_msg_segment_span(&m, 1);

		f = hl7_segment_field(&m, seg, 3);
		CHECK_MEM(f.ptr, f.len, "3");
		f = hl7_segment_field(&m, seg, 4);
		CHECK(f.ptr == NULL);
	}
	free(img);
}

TEST(hl7_piece_edges)
{
	hl7_span	v = {"a^b^", 4};
	hl7_span	r;

	r = hl7_piece(v, '^', 3);
	CHECK(r.ptr != NULL && r.len == 0);
	r = hl7_piece(v, '^', 4);
	CHECK(r.ptr == NULL);
	r = hl7_piece(v, '\0', 1);
	CHECK_MEM(r.ptr, r.len, "a^b^");
	r = hl7_piece(v, '\0', 2);
	CHECK(r.ptr == NULL);
	r = hl7_piece(HL7_SPAN_ABSENT, '^', 1);
	CHECK(r.ptr == NULL);
}
