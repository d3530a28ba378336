/*
 * test_hl7v2_json.c
 *		Unit tests of the JSON tree, the writer and the JSON reader.
 */
#include <stdlib.h>

#include "clinical/hl7v2.h"
#include "unit.h"

static char jbuf[4096];

static const char *
to_json(const char *msg)
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
	CHECK(hl7_to_json(&m, &out, &err));
	snprintf(jbuf, sizeof(jbuf), "%s", out.data);
	/* round trip */
	{
		cl_buf		back;

		cl_buf_init(&back, &cl_malloc_allocator, 16);
		CHECK(hl7_from_json(out.data, out.len, &back, &err));
		CHECK(back.len == m.text_len && memcmp(back.data, m.text, back.len) == 0);
		cl_buf_free(&back);
	}
	cl_buf_free(&out);
	free(img);
	return jbuf;
}

TEST(hl7_json_shape)
{
	CHECK_STR(to_json("MSH|^~\\&|APP|FAC\rPID|1||DOE^JOHN\r"),
			  "{\"delimiters\":\"|^~\\\\&\",\"segments\":[[\"MSH\",\"|\",\"^~\\\\&\",\"APP\",\"FAC\"],"
			  "[\"PID\",\"1\",\"\",[[\"DOE\",\"JOHN\"]]]]}");
	CHECK_STR(to_json("MSH|^~\\&\rPID|a~b|c~d^e|f&g|h^i&j~k\rZZZ\rZZ1|\r"),
			  "{\"delimiters\":\"|^~\\\\&\",\"segments\":[[\"MSH\",\"|\",\"^~\\\\&\"],"
			  "[\"PID\",[\"a\",\"b\"],[\"c\",[\"d\",\"e\"]],[[[\"f\",\"g\"]]],[[\"h\",[\"i\",\"j\"]],\"k\"]],"
			  "[\"ZZZ\"],[\"ZZ1\",\"\"]]}");
	CHECK_STR(to_json("MSH|^~\\&#\rNTE|1||a \"q\" \\T\\\nline\x01\t\xC3\xA9\r"),
			  "{\"delimiters\":\"|^~\\\\&#\",\"segments\":[[\"MSH\",\"|\",\"^~\\\\&#\"],"
			  "[\"NTE\",\"1\",\"\",\"a \\\"q\\\" \\\\T\\\\\\nline\\u0001\\t\xC3\xA9\"]]}");
	CHECK_STR(to_json("MSH^~|\\&^A^B\rPID^x|y~z\r"),
			  "{\"delimiters\":\"^~|\\\\&\",\"segments\":[[\"MSH\",\"^\",\"~|\\\\&\",\"A\",\"B\"],"
			  "[\"PID\",[\"x\",[\"y\",\"z\"]]]]}");
	/* a second MSH with other encoding characters round-trips too */
	CHECK_STR(to_json("MSH!%@.!A\rMSH!%@.$*!B\r"),
			  "{\"delimiters\":\"!%@.\",\"segments\":[[\"MSH\",\"!\",\"%@.\",\"A\"],[\"MSH\",\"!\",\"%@.$*\",\"B\"]]}");
	CHECK_STR(to_json("MSH|^|A\rPID|a~b&c\r"),
			  "{\"delimiters\":\"|^\",\"segments\":[[\"MSH\",\"|\",\"^\",\"A\"],[\"PID\",\"a~b&c\"]]}");
}

static const char *
from_json(const char *j)
{
	cl_buf		out;
	cl_error	err;

	cl_error_clear(&err);
	cl_buf_init(&out, &cl_malloc_allocator, 16);
	if (!hl7_from_json(j, strlen(j), &out, &err))
		snprintf(jbuf, sizeof(jbuf), "(error %d: %s)", err.code, err.message);
	else
	{
		for (size_t i = 0; i < out.len; i++)
			if (out.data[i] == '\r')
				out.data[i] = '\n';
		snprintf(jbuf, sizeof(jbuf), "%s", out.data);
	}
	cl_buf_free(&out);
	return jbuf;
}

TEST(hl7_json_reader)
{
	CHECK_STR(from_json(" { \"segments\" : [ [\"MSH\",\"|\",\"^~\\\\&\",\"A\"] , [\"PID\", [[\"a\",[\"b\",\"c\"]], \"d\"]] ],"
						" \"delimiters\":\"|^~\\\\&\" } "),
			  "MSH|^~\\&|A\nPID|a^b&c~d\n");
	CHECK_STR(from_json("{\"delimiters\":\"|^~\\\\&\",\"segments\":[[\"MSH\",\"|\",\"^~\\\\&\"],[\"NTE\",\"\\u00e9\\ud83d\\ude00\\/\"]]}"),
			  "MSH|^~\\&\nNTE|\xC3\xA9\xF0\x9F\x98\x80/\n");
	CHECK_STR(from_json("{\"delimiters\":\"|^~\\\\&\"}"),
			  "(error 1: invalid HL7 JSON at byte 23: \"delimiters\" and \"segments\" are required)");
	CHECK_STR(from_json("{\"delimiters\":\"|^~\\\\&\",\"segments\":[[\"PID\"]]}"),
			  "(error 2: the first segment must be MSH)");
	CHECK_STR(from_json("{\"delimiters\":\"|^~\\\\&\",\"segments\":[[\"MSH\",\"!\",\"^~\\\\&\"]]}"),
			  "(error 2: MSH-1 and MSH-2 must equal the delimiters)");
	CHECK_STR(from_json("{\"delimiters\":\"|^~\\\\&\",\"segments\":[[\"MSH\",\"|\",\"^~\\\\\"]]}"),
			  "(error 2: MSH-1 and MSH-2 must equal the delimiters)");
	CHECK_STR(from_json("{\"delimiters\":\"|^~\\\\&\",\"segments\":[[\"MSH\",\"|\",\"^~\\\\&\"],[\"PID\",\"a|b\"]]}"),
			  "(error 2: value in segment 2, field 1 contains a delimiter, CR or NUL)");
	CHECK_STR(from_json("{\"delimiters\":\"|^~\\\\&\",\"segments\":[[\"MSH\",\"|\",\"^~\\\\&\"],[\"pid\",\"a\"]]}"),
			  "(error 2: invalid segment id in segment 2: expected 3 characters A-Z, 0-9)");
	CHECK_STR(from_json("{\"delimiters\":\"||\",\"segments\":[]}"),
			  "(error 2: HL7 field separator and component separator are the same character \"|\")");
	CHECK_STR(from_json("{\"delimiters\":\"|^~\\\\&\",\"segments\":[]}"),
			  "(error 1: invalid HL7 JSON at byte 35: no segments)");
	CHECK_STR(from_json("{\"delimiters\":\"|^~\\\\&\",\"segments\":[[\"MSH\",\"|\",\"^~\\\\&\"],[\"PID\",[]]]}"),
			  "(error 1: invalid HL7 JSON at byte 63: empty array)");
	CHECK_STR(from_json("{\"delimiters\":\"|^~\\\\&\",\"segments\":[[\"MSH\",\"|\",\"^~\\\\&\"],[\"PID\",[[[[\"x\"]]]]]]}"),
			  "(error 1: invalid HL7 JSON at byte 65: subcomponents must be strings)");
	CHECK(strstr(from_json("{\"delimiters\":\"|^~\\\\&\",\"segments\":[[\"MSH\",\"|\",\"^~\\\\&\"],[\"NTE\",\"\\u0000\"]]}"),
				 "\\u0000 is not allowed") != NULL);
	CHECK(strstr(from_json("{\"delimiters\":\"|^~\\\\&\",\"segments\":[[\"MSH\",\"|\",\"^~\\\\&\"],[\"NTE\",\"\\ud800\"]]}"),
				 "unpaired surrogate") != NULL);
	CHECK(strstr(from_json("{\"delimiters\":\"|^~\\\\&\",\"segments\":[[\"MSH\""), "error 1") != NULL);
	CHECK(strstr(from_json("{\"x\":1}"), "unknown member") != NULL);
	CHECK(strstr(from_json("{\"delimiters\":\"|^~\\\\&\",\"segments\":[[\"MSH\",\"|\",\"^~\\\\&\"]]} x"),
				 "trailing characters") != NULL);
	CHECK(strstr(from_json(""), "expected '{'") != NULL);
}

TEST(hl7_writer_events)
{
	hl7_writer	w;
	hl7_delims	d;
	cl_buf		out;
	cl_error	err;

	cl_error_clear(&err);
	hl7_delims_default(&d);
	cl_buf_init(&out, &cl_malloc_allocator, 16);
	CHECK(hl7_writer_init(&w, &d, &out, &err));
	CHECK(!hl7_writer_field(&w, &err));
	CHECK_STR(err.message, "field outside a segment");
	CHECK(hl7_writer_segment(&w, "MSH", 3, &err));
	CHECK(hl7_writer_field(&w, &err) && hl7_writer_text(&w, "|", 1, &err));
	CHECK(hl7_writer_field(&w, &err) && hl7_writer_text(&w, "^~\\&", 4, &err));
	CHECK(hl7_writer_field(&w, &err) && hl7_writer_text(&w, "A", 1, &err));
	CHECK(hl7_writer_segment(&w, "PID", 3, &err));
	CHECK(hl7_writer_field(&w, &err));
	CHECK(hl7_writer_field(&w, &err));
	CHECK(hl7_writer_repetition(&w, &err) && hl7_writer_text(&w, "r1", 2, &err));
	CHECK(hl7_writer_repetition(&w, &err));
	CHECK(hl7_writer_component(&w, &err) && hl7_writer_text(&w, "c1", 2, &err));
	CHECK(hl7_writer_component(&w, &err));
	CHECK(hl7_writer_subcomponent(&w, &err) && hl7_writer_text(&w, "s1", 2, &err));
	CHECK(hl7_writer_subcomponent(&w, &err) && hl7_writer_text(&w, "s2", 2, &err));
	CHECK(!hl7_writer_text(&w, "\r", 1, &err));
	CHECK(hl7_writer_finish(&w, &err));
	CHECK_MEM(out.data, out.len, "MSH|^~\\&|A\rPID||r1~c1^s1&s2\r");
	cl_buf_free(&out);
}
