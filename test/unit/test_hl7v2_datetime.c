/*
 * test_hl7v2_datetime.c
 *		Unit tests of HL7 DTM/TS parsing.
 */
#include "clinical/hl7v2.h"
#include "unit.h"

static hl7_datetime dt;
static cl_error derr;

static bool
dtp(const char *s)
{
	cl_error_clear(&derr);
	return hl7_datetime_parse(s, strlen(s), &dt, &derr);
}

TEST(hl7_datetime_valid)
{
	CHECK(dtp("2024"));
	CHECK(dt.year == 2024 && dt.month == 1 && dt.day == 1 && dt.digits == 4 && !dt.has_offset);
	CHECK(dtp("202402"));
	CHECK(dt.month == 2 && dt.digits == 6);
	CHECK(dtp("20240229"));
	CHECK(dt.day == 29);
	CHECK(dtp("2024022913"));
	CHECK(dt.hour == 13 && dt.digits == 10);
	CHECK(dtp("202402291345"));
	CHECK(dt.minute == 45);
	CHECK(dtp("20240229134559"));
	CHECK(dt.second == 59 && dt.digits == 14);
	CHECK(dtp("20240229134559.1"));
	CHECK(dt.microsecond == 100000 && dt.frac_digits == 1);
	CHECK(dtp("20240229134559.1234-0500"));
	CHECK(dt.microsecond == 123400 && dt.frac_digits == 4);
	CHECK(dt.has_offset && dt.offset_minutes == -300);
	CHECK(dtp("200001011200+0530"));
	CHECK(dt.offset_minutes == 330);
	CHECK(dtp("20000101+1400"));
	CHECK(dt.offset_minutes == 840);
	CHECK(dtp("20000101-1400"));
	CHECK(dtp("20240101120000^S"));
	CHECK(dt.hour == 12);
	CHECK(dtp("  20240101  "));
	CHECK(dtp("20000229"));			/* 2000 is a leap year */
	CHECK(dtp("19991231235959"));
}

TEST(hl7_datetime_errors)
{
	CHECK(!dtp(""));
	CHECK_INT(derr.code, CL_ERR_INVALID_PARAM);
	CHECK_STR(derr.message, "invalid HL7 date/time \"\": empty value");
	CHECK(!dtp("202"));
	CHECK_STR(derr.message, "invalid HL7 date/time \"202\": expected 4, 6, 8, 10, 12 or 14 digits");
	CHECK(!dtp("2024011"));
	CHECK(!dtp("202413"));
	CHECK_STR(derr.message, "invalid HL7 date/time \"202413\": month 13 is out of range 1-12");
	CHECK_INT(derr.offset, 4);
	CHECK(!dtp("202400"));
	CHECK(!dtp("20230229"));
	CHECK_STR(derr.message, "invalid HL7 date/time \"20230229\": day 29 is out of range for month 2 of year 2023");
	CHECK(!dtp("19000229"));
	CHECK(!dtp("20240431"));
	CHECK(!dtp("20240100"));
	CHECK(!dtp("2024010124"));
	CHECK(strstr(derr.message, "hour 24 is out of range 0-23") != NULL);
	CHECK(!dtp("202401012360"));
	CHECK(strstr(derr.message, "minute 60") != NULL);
	CHECK(!dtp("20240101235960"));
	CHECK(strstr(derr.message, "second 60") != NULL);
	CHECK(!dtp("20240101235959."));
	CHECK(strstr(derr.message, "expected 1 to 4 digits of fractional seconds") != NULL);
	CHECK(!dtp("20240101235959.12345"));
	CHECK(!dtp("202401012359.5"));
	CHECK(strstr(derr.message, "fractional seconds need all 14 digits") != NULL);
	CHECK(!dtp("20240101+05"));
	CHECK(strstr(derr.message, "expected 4 digits of time zone offset") != NULL);
	CHECK(!dtp("20240101+1401"));
	CHECK(strstr(derr.message, "time zone offset is out of range") != NULL);
	CHECK(!dtp("20240101+0160"));
	CHECK(!dtp("20240101x"));
	CHECK_STR(derr.message, "invalid HL7 date/time \"20240101x\": unexpected character");
	CHECK_INT(derr.offset, 8);
	CHECK(!dtp("2024-01-01"));
	CHECK(!dtp("123456789012345678901234567890"));
	CHECK(strstr(derr.message, "\"12345678901234567890...\"") != NULL);
}
