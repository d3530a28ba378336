/*
 * test_fhir_primitives.c
 *		Unit tests of the FHIR R4 primitive validators, with examples from
 *		the R4 datatypes page and the edges of each regular expression.
 */
#include <stdlib.h>

#include "clinical/fhir_model.h"
#include "unit.h"

static cl_error perr;

static bool
ok(fhir_prim_kind k, const char *s)
{
	cl_error_clear(&perr);
	return fhir_primitive_check(k, s, strlen(s), &perr);
}

/* every value in good passes, every value in bad fails with a message */
static void
check_list(fhir_prim_kind k, const char *const *good, const char *const *bad)
{
	for (; *good; good++)
		if (!ok(k, *good))
			unit_fail(__FILE__, __LINE__, "%s \"%s\" rejected: %s",
					  fhir_primitive_name(k), *good, perr.message);
	for (; *bad; bad++)
	{
		if (ok(k, *bad))
			unit_fail(__FILE__, __LINE__, "%s \"%s\" accepted",
					  fhir_primitive_name(k), *bad);
		else if (perr.code != CL_ERR_SYNTAX || perr.message[0] == '\0' ||
				 strstr(perr.message, fhir_primitive_name(k)) == NULL)
			unit_fail(__FILE__, __LINE__, "%s \"%s\": bad error \"%s\"",
					  fhir_primitive_name(k), *bad, perr.message);
	}
}

#define LIST(...) ((const char *const[]) {__VA_ARGS__, NULL})
#define NONE ((const char *const[]) {NULL})

TEST(fhir_prim_boolean)
{
	check_list(FHIR_PRIM_BOOLEAN, LIST("true", "false"),
			   LIST("", "True", "FALSE", "1", "0", "yes", "true ", "truex"));
}

TEST(fhir_prim_integer)
{
	check_list(FHIR_PRIM_INTEGER,
			   LIST("0", "-0", "1", "-1", "42", "2147483647", "-2147483648"),
			   LIST("", "-", "+1", "01", "-01", "00", "1.0", "1e2", "1E2",
					"2147483648", "-2147483649", "99999999999999999999",
					" 1", "1 ", "0x10", "1-"));
	check_list(FHIR_PRIM_UNSIGNEDINT, LIST("0", "1", "2147483647"),
			   LIST("", "-1", "-0", "01", "2147483648", "1.5", "+1"));
	check_list(FHIR_PRIM_POSITIVEINT, LIST("1", "9", "10", "2147483647"),
			   LIST("", "0", "-1", "01", "2147483648", "1.0", "+1"));

	CHECK(!ok(FHIR_PRIM_INTEGER, "2147483648"));
	CHECK(strstr(perr.message, "out of range") != NULL);
	CHECK(!ok(FHIR_PRIM_INTEGER, "1.5"));
	CHECK(strstr(perr.message, "fraction") != NULL);
	CHECK_INT(perr.offset, 1);
}

TEST(fhir_prim_decimal)
{
	check_list(FHIR_PRIM_DECIMAL,
			   LIST("0", "-0", "1", "1.50", "0.001", "-1.5", "1e10", "1E-10",
					"1.5e+3", "-0.0", "3.14159265358979323846264338327950288",
					"123456789012345678901234567890"),
			   LIST("", "-", ".5", "1.", "01", "00.5", "1e", "1e+", "+1", "1.5.5",
					"NaN", "Infinity", "1,5", " 1", "0x1", "1.5e1.5"));
	CHECK(!ok(FHIR_PRIM_DECIMAL, "1."));
	CHECK_INT(perr.offset, 2);
}

TEST(fhir_prim_string)
{
	char	   *big;
	size_t		n = 1024 * 1024;

	check_list(FHIR_PRIM_STRING,
			   LIST("a", " ", "  leading and trailing  ", "tab\there",
					"line\r\nbreak", "caf\xc3\xa9", "\xe2\x82\xac 5",
					"emoji \xf0\x9f\x98\x80"),
			   LIST("", "bell\x07", "nul\x01", "form\ffeed", "vt\vtab", "esc\x1b["));
	check_list(FHIR_PRIM_MARKDOWN, LIST("# Title\n\n* item"), LIST("", "\x02"));
	check_list(FHIR_PRIM_XHTML, LIST("<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"),
			   LIST(""));

	CHECK(!ok(FHIR_PRIM_STRING, "bad \xff byte"));
	CHECK_INT(perr.code, CL_ERR_ENCODING);
	CHECK_INT(perr.offset, 4);

	/* 1024*1024 characters is the limit; multi-byte characters count once */
	big = malloc(n * 2 + 2);
	memset(big, 'x', n + 1);
	CHECK(fhir_primitive_check(FHIR_PRIM_STRING, big, n, NULL));
	CHECK(!fhir_primitive_check(FHIR_PRIM_STRING, big, n + 1, NULL));
	for (size_t i = 0; i < n; i++)
	{
		big[2 * i] = '\xc3';
		big[2 * i + 1] = '\xa9';
	}
	CHECK(fhir_primitive_check(FHIR_PRIM_STRING, big, 2 * n, NULL));
	free(big);
}

TEST(fhir_prim_code)
{
	check_list(FHIR_PRIM_CODE,
			   LIST("final", "a", "mg/dL", "en-US", "two words", "a\tb",
					"http://x", "[lb_av]"),
			   LIST("", " ", " lead", "trail ", "two  spaces", "a\t b", "a\n",
					"\tx", "ctl\x01"));
}

TEST(fhir_prim_id)
{
	char		id64[65];
	char		id65[66];

	memset(id64, 'a', 64);
	id64[64] = '\0';
	memset(id65, 'b', 65);
	id65[65] = '\0';
	check_list(FHIR_PRIM_ID,
			   LIST("example", "a", "123", "a-b.c", "A.Z-0.9", id64),
			   LIST("", "a b", "a_b", "a/b", "caf\xc3\xa9", "#frag", id65, "id:1"));
}

TEST(fhir_prim_uris)
{
	check_list(FHIR_PRIM_URI,
			   LIST("http://hl7.org/fhir", "urn:oid:1.2.3", "Patient/123", "#p1",
					"urn:uuid:53fefa32-fcbb-4ff8-8a92-55ee120877b7", "a"),
			   LIST("", "http://a b", " http://x", "http://x\n", "x\ty", "x\x01"));
	check_list(FHIR_PRIM_URL, LIST("http://example.org/fhir/Patient"),
			   LIST("", "http://exa mple"));
	check_list(FHIR_PRIM_CANONICAL,
			   LIST("http://hl7.org/fhir/ValueSet/my-valueset|0.8"),
			   LIST("", "http://hl7.org/fhir/ValueSet/a b"));
	check_list(FHIR_PRIM_OID,
			   LIST("urn:oid:1.2.3.4.5", "urn:oid:2.16.840.1.113883", "urn:oid:0.0",
					"urn:oid:1.0.10"),
			   LIST("", "urn:oid:", "urn:oid:1", "urn:oid:3.1", "urn:oid:1.02",
					"urn:oid:1..2", "urn:oid:1.2.", "1.2.3", "URN:OID:1.2",
					"urn:oid:1.2a", "urn:oid:.1"));
	check_list(FHIR_PRIM_UUID,
			   LIST("urn:uuid:c757873d-ec9a-4326-a141-556f43239520",
					"urn:uuid:00000000-0000-0000-0000-000000000000"),
			   LIST("", "urn:uuid:C757873D-EC9A-4326-A141-556F43239520",
					"c757873d-ec9a-4326-a141-556f43239520",
					"urn:uuid:c757873d-ec9a-4326-a141-556f4323952",
					"urn:uuid:c757873d-ec9a-4326-a141-556f432395200",
					"urn:uuid:c757873dec9a-4326-a141-556f43239520-",
					"urn:uuid:g757873d-ec9a-4326-a141-556f43239520"));
}

TEST(fhir_prim_base64)
{
	check_list(FHIR_PRIM_BASE64BINARY,
			   LIST("AAAA", "SGVsbG8=", "SGk=", "SGVsbG8gV29ybGQ=", "ab+/",
					"SGVs bG8=", " SGVs\nbG8= ", "SGVs\r\nbG8h"),
			   LIST("", "   ", "A", "AAA", "AAAAA", "SGV sbG8=", "SG=k", "S===",
					"SGk=SGk=", "SG*k", "SGVsbG8=\x01", "SGVsbG8"));
}

TEST(fhir_prim_date)
{
	check_list(FHIR_PRIM_DATE,
			   LIST("2018", "1973-06", "1905-08-23", "0001-01-01", "9999-12-31",
					"2000-02-29", "2024-02-29", "2023-12-31"),
			   LIST("", "0000", "0000-01-01", "18", "20180", "2018-1", "2018-13",
					"2018-00", "2018-01-00", "2018-01-32", "2018-04-31",
					"2019-02-29", "1900-02-29", "2018-06-15T10:00:00Z",
					"2018/06/15", "2018-06-15 ", "20180615", "2018-06-"));
	CHECK(!ok(FHIR_PRIM_DATE, "2019-02-29"));
	CHECK(strstr(perr.message, "does not exist") != NULL);
	CHECK_INT(perr.offset, 8);
}

TEST(fhir_prim_datetime)
{
	check_list(FHIR_PRIM_DATETIME,
			   LIST("2018", "1973-06", "1905-08-23", "2015-02-07T13:28:17-05:00",
					"2017-01-01T00:00:00.000Z", "2017-01-01T00:00:00Z",
					"2016-12-31T23:59:60Z", "2017-01-01T00:00:00.123456789+14:00",
					"2017-01-01T00:00:00-13:59", "2000-02-29T12:00:00+00:00"),
			   LIST("", "2015-02-07T13:28:17", "2015-02-07T13:28Z",
					"2015-02-07T13:28:17.Z", "2015-02-07T24:00:00Z",
					"2015-02-07T13:60:00Z", "2015-02-07T13:28:61Z",
					"2015-02-07T13:28:17+14:01", "2015-02-07T13:28:17+15:00",
					"2015-02-07T13:28:17+0500", "2015-02-07T13:28:17z",
					"2015-02-07T", "2015-02T10:00:00Z", "2015T10:00:00Z",
					"2019-02-29T00:00:00Z", "2015-02-07 13:28:17Z",
					"2015-02-07T13:28:17Z ", "2015-02-07T13:28:17+05"));
	CHECK(!ok(FHIR_PRIM_DATETIME, "2015-02-07T13:28:17"));
	CHECK(strstr(perr.message, "time zone") != NULL);
	CHECK_INT(perr.offset, 19);
}

TEST(fhir_prim_instant)
{
	check_list(FHIR_PRIM_INSTANT,
			   LIST("2015-02-07T13:28:17.239+02:00", "2017-01-01T00:00:00Z",
					"2017-01-01T00:00:00.5-14:00"),
			   LIST("", "2015", "2015-02", "2015-02-07", "2015-02-07T13:28:17",
					"2015-02-07T13:28Z", "2015-02-30T13:28:17Z",
					"2015-02-07T13:28:17+14:30"));
}

TEST(fhir_prim_time)
{
	check_list(FHIR_PRIM_TIME,
			   LIST("00:00:00", "23:59:59", "12:30:00.5", "23:59:60", "10:00:00.000"),
			   LIST("", "24:00:00", "12:60:00", "12:00:61", "12:00", "12:00:00Z",
					"12:00:00+01:00", "1:00:00", "12:00:00.", "T12:00:00"));
}

TEST(fhir_prim_errors)
{
	char		longval[200];

	/* the message quotes at most 20 characters of the value */
	memset(longval, 'x', sizeof(longval) - 1);
	longval[sizeof(longval) - 1] = '\0';
	memcpy(longval, "1999-", 5);
	CHECK(!ok(FHIR_PRIM_DATE, longval));
	CHECK(strstr(perr.message, "invalid FHIR date value \"1999-xxxxxxxxxxxxxxx...\"") != NULL);
	CHECK(strstr(perr.message, "xxxxxxxxxxxxxxxxxxxxx") == NULL);

	/* control characters are shown escaped */
	CHECK(!ok(FHIR_PRIM_STRING, "a\x01"));
	CHECK(strstr(perr.message, "\\x01") != NULL);

	CHECK(!ok(FHIR_PRIM_ID, ""));
	CHECK(strstr(perr.message, "empty") != NULL);

	CHECK(!ok(FHIR_PRIM_NONE, "x"));
	CHECK_INT(perr.code, CL_ERR_INVALID_PARAM);
	CHECK(!fhir_primitive_check((fhir_prim_kind) 99, "x", 1, NULL));
	CHECK(!fhir_primitive_check(FHIR_PRIM_STRING, NULL, 0, NULL));
}

/* the eight-at-a-time fast paths agree with the byte-by-byte rules */
TEST(fhir_prim_fast_paths)
{
	char		big[1001];
	cl_error	err;

	memset(big, 'A', 1000);
	big[1000] = '\0';
	CHECK(fhir_primitive_check(FHIR_PRIM_BASE64BINARY, big, 1000, NULL));
	CHECK(!fhir_primitive_check(FHIR_PRIM_BASE64BINARY, big, 999, NULL));
	CHECK(fhir_primitive_check(FHIR_PRIM_BASE64BINARY, "QUJDREVGR0g=", 12, NULL));
	CHECK(fhir_primitive_check(FHIR_PRIM_BASE64BINARY, "QUJDREVG R0g=", 13, NULL));
	CHECK(!fhir_primitive_check(FHIR_PRIM_BASE64BINARY, "QUJDREVGR0g=QUJD", 16, NULL));
	CHECK(!fhir_primitive_check(FHIR_PRIM_BASE64BINARY, "QUJDRE VGR0g", 12, NULL));
	cl_error_clear(&err);
	CHECK(!fhir_primitive_check(FHIR_PRIM_BASE64BINARY, "QUJDREVGR0g*QUJD", 16, &err));
	CHECK_INT(err.offset, 11);
	/* codes and uris: long plain runs, then a space / control / DEL late */
	CHECK(fhir_primitive_check(FHIR_PRIM_CODE, "abcdefghijklmnopqrstuvwxyz", 26, NULL));
	CHECK(fhir_primitive_check(FHIR_PRIM_CODE, "abcdefghijklm nopqrstuvwxyz", 27, NULL));
	CHECK(!fhir_primitive_check(FHIR_PRIM_CODE, "abcdefghijklm  nopqrstuvwxyz", 28, NULL));
	CHECK(!fhir_primitive_check(FHIR_PRIM_URI, "http://example.org/a b", 22, NULL));
	CHECK(!fhir_primitive_check(FHIR_PRIM_URI, "http://example.org/a\x7f", 21, NULL));
	CHECK(fhir_primitive_check(FHIR_PRIM_URI, "http://example.org/\xc3\xa9t\xc3\xa9", 24, NULL));
	cl_error_clear(&err);
	CHECK(!fhir_primitive_check(FHIR_PRIM_STRING, "plain text long enough\x01 here", 29, &err));
	CHECK_INT(err.offset, 22);
	CHECK(fhir_primitive_check(FHIR_PRIM_STRING, "plain text long enough\t here", 28, NULL));
	CHECK(fhir_primitive_check(FHIR_PRIM_ID, "abc-DEF.123", 11, NULL));
	CHECK(!fhir_primitive_check(FHIR_PRIM_ID, "abc_DEF", 7, NULL));
}
