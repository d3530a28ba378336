/*
 * test_hl7v2_edit.c
 *		Unit tests of hl7_set and hl7_build_ack.
 */
#include <stdlib.h>

#include "clinical/hl7v2.h"
#include "unit.h"

static char result[2048];

/* sets value at path in msg; returns the new text ('\r' shown as '\n') */
static const char *
set(const char *msg, const char *ps, const char *value)
{
	void	   *img;
	size_t		il;
	hl7_msg		m;
	hl7_path	p;
	cl_error	err;
	cl_buf		out;

	cl_error_clear(&err);
	if (!hl7_parse_image(msg, strlen(msg), &cl_malloc_allocator, 0, &img, &il, &err))
		return "(parse error)";
	hl7_msg_view(img, il, &m, &err);
	if (!hl7_path_parse(ps, strlen(ps), &p, &err))
	{
		free(img);
		return "(path error)";
	}
	cl_buf_init(&out, &cl_malloc_allocator, 16);
	if (!hl7_set(&m, &p, value, value ? strlen(value) : 0, &out, &err))
		snprintf(result, sizeof(result), "(error %d: %s)", err.code, err.message);
	else
	{
		void	   *img2;

		/* the output must parse again */
		if (!hl7_parse_image(out.data, out.len, &cl_malloc_allocator, 0, &img2, &il, &err))
			snprintf(result, sizeof(result), "(reparse error: %s)", err.message);
		else
		{
			free(img2);
			for (size_t i = 0; i < out.len; i++)
				if (out.data[i] == '\r')
					out.data[i] = '\n';
			snprintf(result, sizeof(result), "%s", out.data);
		}
	}
	cl_buf_free(&out);
	free(img);
	return result;
}

#define M0 "MSH|^~\\&|APP\rPID|1||A~B^b2||DOE^JOHN\rNTE|1\r"

TEST(hl7_set_existing)
{
	CHECK_STR(set(M0, "PID-1", "2"), "MSH|^~\\&|APP\nPID|2||A~B^b2||DOE^JOHN\nNTE|1\n");
	CHECK_STR(set(M0, "PID-5.2", "JANE"), "MSH|^~\\&|APP\nPID|1||A~B^b2||DOE^JANE\nNTE|1\n");
	CHECK_STR(set(M0, "PID-5", "X"), "MSH|^~\\&|APP\nPID|1||A~B^b2||X\nNTE|1\n");
	CHECK_STR(set(M0, "PID-3", "Z"), "MSH|^~\\&|APP\nPID|1||Z~B^b2||DOE^JOHN\nNTE|1\n");
	CHECK_STR(set(M0, "PID-3(2).2", "q"), "MSH|^~\\&|APP\nPID|1||A~B^q||DOE^JOHN\nNTE|1\n");
	CHECK_STR(set(M0, "PID-3(2).2.2", "s"), "MSH|^~\\&|APP\nPID|1||A~B^b2&s||DOE^JOHN\nNTE|1\n");
	CHECK_STR(set(M0, "MSH-3", "NEW"), "MSH|^~\\&|NEW\nPID|1||A~B^b2||DOE^JOHN\nNTE|1\n");
	CHECK_STR(set(M0, "MSH-5", "R"), "MSH|^~\\&|APP||R\nPID|1||A~B^b2||DOE^JOHN\nNTE|1\n");
	CHECK_STR(set(M0, "NTE-1", ""), "MSH|^~\\&|APP\nPID|1||A~B^b2||DOE^JOHN\nNTE|\n");
	CHECK_STR(set(M0, "NTE-1", NULL), "MSH|^~\\&|APP\nPID|1||A~B^b2||DOE^JOHN\nNTE|\n");
}

TEST(hl7_set_creates)
{
	CHECK_STR(set(M0, "PID-8", "M"), "MSH|^~\\&|APP\nPID|1||A~B^b2||DOE^JOHN|||M\nNTE|1\n");
	CHECK_STR(set(M0, "PID-5(3).2", "x"), "MSH|^~\\&|APP\nPID|1||A~B^b2||DOE^JOHN~~^x\nNTE|1\n");
	CHECK_STR(set(M0, "PID-5.4.3", "y"), "MSH|^~\\&|APP\nPID|1||A~B^b2||DOE^JOHN^^&&y\nNTE|1\n");
	CHECK_STR(set(M0, "PV1-2", "I"), "MSH|^~\\&|APP\nPID|1||A~B^b2||DOE^JOHN\nNTE|1\nPV1||I\n");
	CHECK_STR(set(M0, "PID(3)-1", "3"),
			  "MSH|^~\\&|APP\nPID|1||A~B^b2||DOE^JOHN\nNTE|1\nPID\nPID|3\n");
	CHECK_STR(set(M0, "ZZ1(2)-1.2", "z"), "MSH|^~\\&|APP\nPID|1||A~B^b2||DOE^JOHN\nNTE|1\nZZ1\nZZ1|^z\n");
	CHECK_STR(set(M0, "NTE-3(2)", "n"), "MSH|^~\\&|APP\nPID|1||A~B^b2||DOE^JOHN\nNTE|1||~n\n");
	CHECK_STR(set("MSH|^~\\&\r", "MSH-4", "F"), "MSH|^~\\&||F\n");
}

TEST(hl7_set_escapes_value)
{
	CHECK_STR(set(M0, "PID-5", "DOE^JANE|x"), "MSH|^~\\&|APP\nPID|1||A~B^b2||DOE\\S\\JANE\\F\\x\nNTE|1\n");
	CHECK_STR(set(M0, "NTE-3", "l1\nl2"), "MSH|^~\\&|APP\nPID|1||A~B^b2||DOE^JOHN\nNTE|1||l1\\.br\\l2\n");
	CHECK_STR(set("MSH!@%$*!A\rPID!1\r", "PID-2.2", "a!b@"), "MSH!@%$*!A\nPID!1!@a$F$b$S$\n");
}

TEST(hl7_set_errors)
{
	CHECK_STR(set(M0, "MSH-1", "x"), "(error 2: MSH-1 and MSH-2 (the delimiters) cannot be set)");
	CHECK_STR(set(M0, "MSH-2", "x"), "(error 2: MSH-1 and MSH-2 (the delimiters) cannot be set)");
	CHECK_STR(set(M0, "PID", "x"), "(error 2: hl7_set needs a path with a field (a whole segment cannot be set))");
	CHECK_STR(set(M0, "MSH(2)-3", "x"), "(error 2: hl7_set cannot create an MSH segment)");
	CHECK_STR(set("MSH|^|A\rPID|1\r", "PID-1(2)", "x"),
			  "(error 2: the message declares no delimiter for this path level)");
	CHECK_STR(set("MSH|^|A\rPID|1\r", "PID-1", "a|b"),
			  "(error 2: cannot escape this value: the message declares no escape character)");
	CHECK_STR(set("MSH|^|A\rPID|1\r", "PID-1.2", "ab"), "MSH|^|A\nPID|1^ab\n");
}

static const char *
ack(const char *msg, const char *code, const char *text)
{
	void	   *img;
	size_t		il;
	hl7_msg		m;
	cl_error	err;
	cl_buf		out;

	cl_error_clear(&err);
	if (!hl7_parse_image(msg, strlen(msg), &cl_malloc_allocator, 0, &img, &il, &err))
		return "(parse error)";
	hl7_msg_view(img, il, &m, &err);
	cl_buf_init(&out, &cl_malloc_allocator, 16);
	if (!hl7_build_ack(&m, code, text, text ? strlen(text) : 0, "ACK0001", 7,
					   "20240101120000", 14, &out, &err))
		snprintf(result, sizeof(result), "(error %d: %s)", err.code, err.message);
	else
	{
		for (size_t i = 0; i < out.len; i++)
			if (out.data[i] == '\r')
				out.data[i] = '\n';
		snprintf(result, sizeof(result), "%s", out.data);
	}
	cl_buf_free(&out);
	free(img);
	return result;
}

TEST(hl7_ack_build)
{
	const char *msg = "MSH|^~\\&|SAPP|SFAC|RAPP|RFAC|20240101||ADT^A01^ADT_A01|MSG00001|P|2.5.1\rPID|1\r";

	CHECK_STR(ack(msg, "AA", NULL),
			  "MSH|^~\\&|RAPP|RFAC|SAPP|SFAC|20240101120000||ACK^A01^ACK|ACK0001|P|2.5.1\n"
			  "MSA|AA|MSG00001\n");
	CHECK_STR(ack(msg, "AE", "bad | field"),
			  "MSH|^~\\&|RAPP|RFAC|SAPP|SFAC|20240101120000||ACK^A01^ACK|ACK0001|P|2.5.1\n"
			  "MSA|AE|MSG00001|bad \\F\\ field\n");
	CHECK_STR(ack("MSH|^~\\&|A||||||ORU|C1\r", "CA", ""),
			  "MSH|^~\\&|||A||20240101120000||ACK|ACK0001||\nMSA|CA|C1\n");
	CHECK_STR(ack("MSH!@%$*!A!!B!!!!X@Y!C1!T!2.7\r", "CR", "a!b"),
			  "MSH!@%$*!B!!A!!20240101120000!!ACK@Y@ACK!ACK0001!T!2.7\nMSA!CR!C1!a$F$b\n");
	CHECK_STR(ack("MSH|^~\\&#|A\r", "AR", NULL),
			  "MSH|^~\\&#|||A||20240101120000||ACK|ACK0001||\nMSA|AR|\n");
	CHECK_STR(ack(msg, "XX", NULL), "(error 2: invalid acknowledgment code)");
	CHECK_STR(ack(msg, "aa", NULL), "(error 2: invalid acknowledgment code)");
	CHECK_STR(ack(msg, NULL, NULL), "(error 2: invalid acknowledgment code)");
	CHECK_STR(ack(msg, "AAA", NULL), "(error 2: invalid acknowledgment code)");
}

TEST(hl7_ack_reparses)
{
	const char *msg = "MSH|^~\\&|SAPP|SFAC|RAPP|RFAC|20240101||ADT^A01|MSG00001|P|2.5.1\r";
	void	   *img;
	size_t		il;

	ack(msg, "AA", "ok");
	for (char *p = result; *p; p++)
		if (*p == '\n')
			*p = '\r';
	CHECK(hl7_parse_image(result, strlen(result), &cl_malloc_allocator, 0, &img, &il,
						  &(cl_error) {0}));
	free(img);
}

TEST(hl7_set_escapes_text_line_feeds_of_the_edited_segment)
{
	/* a CR message whose PID-3 holds a line feed before "MSHA" */
	const char	in[] = "MSH|^~\\&|A\rPID|0|^|x\nMSHA\rPV1|1\r";
	void	   *img,
			   *img2;
	size_t		il,
				il2;
	hl7_msg		m,
				m2;
	hl7_path	p;
	cl_buf		out;
	cl_error	err;
	hl7_span	v;

	cl_error_clear(&err);
	CHECK(hl7_parse_image(in, sizeof(in) - 1, &cl_malloc_allocator, 0, &img, &il, &err));
	CHECK(hl7_msg_view(img, il, &m, &err));
	CHECK_INT(m.nsegs, 3);
	CHECK(hl7_path_parse("PID-5", 5, &p, &err));
	cl_buf_init(&out, &cl_malloc_allocator, 64);
	CHECK(hl7_set(&m, &p, "v", 1, &out, &err));
	/* without the escape, "MSHA||v" would re-parse as a bad segment header */
	CHECK_STR(out.data, "MSH|^~\\&|A\rPID|0|^|x\\.br\\MSHA||v\rPV1|1\r");
	CHECK(hl7_parse_image(out.data, out.len, &cl_malloc_allocator, 0, &img2, &il2, &err));
	CHECK(hl7_msg_view(img2, il2, &m2, &err));
	CHECK_INT(m2.nsegs, 3);
	CHECK(hl7_path_parse("PID-5", 5, &p, &err));
	v = hl7_get(&m2, &p);
	CHECK_MEM(v.ptr, v.len, "v");
	free(img2);
	cl_buf_free(&out);
	free(img);
}
